package dev.iotjwt.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;

/**
 * The fastest signer this machine has, for minting in bulk: Amazon Corretto Crypto Provider (AWS-LC, native) where
 * its library loads (Linux x86-64), else Bouncy Castle for ES256 (several times SunEC's rate on Java 17) and the
 * JDK for RS256. Loaded only by {@code mint --batch}: a single mint does not pay for it.
 */
public final class SigningProviders {
    private final Provider native_;
    private final String nativeProblem;
    private Provider bouncyCastle;

    private SigningProviders(Provider nativeProvider, String problem) {
        this.native_ = nativeProvider;
        this.nativeProblem = problem;
    }

    /** The pure-Java providers, as where the native library does not load ({@code why}: the reason shown). */
    static SigningProviders withoutNative(String why) {
        return new SigningProviders(null, why);
    }

    /** Probes the native provider once. */
    public static SigningProviders probe() {
        try {
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider p =
                    com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            if (p.getLoadingError() != null) {
                return new SigningProviders(null, String.valueOf(p.getLoadingError()));
            }
            p.assertHealthy();
            return new SigningProviders(p, null);
        } catch (RuntimeException | LinkageError e) {
            return new SigningProviders(null, e.toString());
        }
    }

    /**
     * Makes the native provider the first JCA provider of this process, so that TLS (JSSE's ECDHE, ECDSA, AES-GCM)
     * and token verification use it too: for the long-running broker. Returns what was done.
     */
    public static String installForProcess() {
        SigningProviders p = probe();
        if (p.native_ == null) {
            return "the JDK's providers (the native provider did not load: " + p.nativeProblem + ")";
        }
        if (java.security.Security.getProvider(p.native_.getName()) == null) {
            java.security.Security.insertProviderAt(p.native_, 1);
        }
        return p.native_.getName() + " " + p.native_.getVersionStr() + " (AWS-LC, native), first provider";
    }

    /** The provider to sign with for {@code alg}, or null for the JDK's default. */
    public synchronized Provider forAlg(JwtAlg alg) {
        if (native_ != null) {
            return native_;
        }
        if (alg == JwtAlg.ES256) {
            if (bouncyCastle == null) {
                bouncyCastle = new org.bouncycastle.jce.provider.BouncyCastleProvider();
            }
            return bouncyCastle;
        }
        return null;
    }

    /** The key in the provider's own representation, converted once (signing with a foreign key converts per call). */
    public PrivateKey translate(PrivateKey key, JwtAlg alg) throws GeneralSecurityException {
        Provider p = forAlg(alg);
        if (p == null) {
            return key;
        }
        // from the encoding rather than translateKey: a key AWS-LC translates is released after its first use
        return KeyFactory.getInstance(key.getAlgorithm(), p).generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
    }

    /** One line: which provider signs which algorithm, and why the native one is not used when it is not. */
    public String describe() {
        if (native_ != null) {
            return "signing with " + native_.getName() + " " + native_.getVersionStr() + " (AWS-LC, native)";
        }
        return "signing ES256 with Bouncy Castle and RS256 with the JDK (the native provider did not load: "
                + nativeProblem + ")";
    }
}
