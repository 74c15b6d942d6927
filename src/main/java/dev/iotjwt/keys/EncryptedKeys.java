package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBEParameter;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMDecryptor;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.encoders.Hex;

import java.math.BigInteger;
import java.security.Provider;
import java.util.Arrays;

/**
 * Decrypts password-protected keys: PKCS#8 {@code ENCRYPTED PRIVATE KEY} and the legacy OpenSSL
 * {@code Proc-Type: 4,ENCRYPTED} PEM form. The only key-reading class that loads Bouncy Castle, so plain keys never
 * pay for it.
 */
final class EncryptedKeys {
    private static final class Holder {
        static final Provider BC = new BouncyCastleProvider();
    }

    /** The most PBKDF2 (or PKCS#12, PKCS#5 v1) iterations run for one key: about a second. */
    static final long MAX_ITERATIONS = 1_000_000;
    /** The most memory (128·N·r bytes) or work (N·r·p) scrypt may ask for one key. */
    static final long MAX_SCRYPT_BYTES = 256L << 20;

    private EncryptedKeys() {
    }

    /**
     * Encrypts a PKCS#8 PrivateKeyInfo as OpenSSL 3 does by default: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC,
     * here with 100,000 iterations.
     */
    static byte[] encryptPkcs8(byte[] pkcs8, char[] password) throws InputException {
        try {
            org.bouncycastle.operator.OutputEncryptor encryptor =
                    new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                            org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                            .setPRF(org.bouncycastle.openssl.PKCS8Generator.PRF_HMACSHA256)
                            .setIterationCount(100_000).setProvider(Holder.BC).setPassword(password).build();
            return new org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder(
                    org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(pkcs8)).build(encryptor).getEncoded();
        } catch (Exception e) {
            throw new InputException(null, "cannot encrypt the key: " + e.getMessage(), null, e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Returns the PKCS#8 PrivateKeyInfo DER inside an EncryptedPrivateKeyInfo. */
    static byte[] decryptPkcs8(byte[] der, char[] password, String source) throws InputException {
        try {
            PKCS8EncryptedPrivateKeyInfo info = new PKCS8EncryptedPrivateKeyInfo(der);
            checkWork(info, source);
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Holder.BC).build(password);
            return info.decryptPrivateKeyInfo(decryptor).getEncoded();
        } catch (InputException e) {
            throw e;
        } catch (Exception e) {
            throw failure(source, "encrypted PKCS#8 private key", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** scrypt's N·r·p beyond this takes minutes. */
    static final long MAX_SCRYPT_COST = 1L << 25;

    /**
     * Refuses key derivation parameters that would keep the tool busy for minutes or exhaust memory before the
     * password could even be judged (a PBKDF2 iteration count of 2³¹−1, an scrypt N of 2⁴⁰).
     */
    private static void checkWork(PKCS8EncryptedPrivateKeyInfo info, String source) throws InputException {
        org.bouncycastle.asn1.x509.AlgorithmIdentifier alg = info.getEncryptionAlgorithm();
        java.math.BigInteger iterations = null;
        java.math.BigInteger scrypt = null;
        java.math.BigInteger scryptMemory = null;
        try {
        if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
            org.bouncycastle.asn1.pkcs.KeyDerivationFunc kdf = org.bouncycastle.asn1.pkcs.PBES2Parameters
                    .getInstance(alg.getParameters()).getKeyDerivationFunc();
            if (org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_PBKDF2.equals(kdf.getAlgorithm())) {
                iterations = org.bouncycastle.asn1.pkcs.PBKDF2Params.getInstance(kdf.getParameters())
                        .getIterationCount();
            } else if (org.bouncycastle.asn1.misc.MiscObjectIdentifiers.id_scrypt.equals(kdf.getAlgorithm())) {
                org.bouncycastle.asn1.misc.ScryptParams p = org.bouncycastle.asn1.misc.ScryptParams.getInstance(
                        kdf.getParameters());
                scrypt = p.getCostParameter().multiply(p.getBlockSize()).multiply(p.getParallelizationParameter());
                scryptMemory = java.math.BigInteger.valueOf(128).multiply(p.getCostParameter())
                        .multiply(p.getBlockSize());
            }
        } else if (alg.getParameters() instanceof org.bouncycastle.asn1.ASN1Sequence seq && seq.size() == 2
                && seq.getObjectAt(1) instanceof org.bouncycastle.asn1.ASN1Integer count) {
            // PKCS#5 v1 and PKCS#12 PBE parameters: (salt, iterations)
            iterations = count.getValue();
        }
        } catch (RuntimeException e) {
            return; // damaged parameters: decrypting says so
        }
        if (iterations != null && (iterations.signum() <= 0
                || iterations.compareTo(java.math.BigInteger.valueOf(MAX_ITERATIONS)) > 0)) {
            throw new InputException(source + ": the encrypted key asks for " + dev.iotjwt.Messages.quote(
                    iterations.toString(), 30) + " key derivation iterations; this tool runs 1 to " + MAX_ITERATIONS
                    + " (about a second)",
                    "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW");
        }
        if (scrypt != null && (scrypt.signum() <= 0
                || scrypt.compareTo(java.math.BigInteger.valueOf(MAX_SCRYPT_COST)) > 0)) {
            throw new InputException(source + ": the encrypted key asks for scrypt with N·r·p = "
                    + dev.iotjwt.Messages.quote(scrypt.toString(), 30) + "; this tool takes at most " + MAX_SCRYPT_COST
                    + " (it would need gigabytes of memory), so the file is damaged",
                    "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW");
        }
        if (scryptMemory != null && scryptMemory.compareTo(java.math.BigInteger.valueOf(MAX_SCRYPT_BYTES)) > 0) {
            throw new InputException(source + ": the encrypted key asks for scrypt parameters that need more than "
                    + (MAX_SCRYPT_BYTES >> 20) + " MB to derive its key", "re-encrypt it: openssl pkcs8 -topk8 -v2"
                    + " aes-256-cbc -in KEY -out NEW");
        }
    }

    /** Decrypts the body of a legacy OpenSSL-encrypted PEM block ({@code DEK-Info: AES-256-CBC,IV}). */
    static byte[] decryptLegacy(byte[] der, String dekInfo, char[] password, String source) throws InputException {
        String cipher = dekInfo == null || !dekInfo.contains(",") ? ""
                : dekInfo.substring(0, dekInfo.indexOf(',')).strip();
        String iv = cipher.isEmpty() ? "" : dekInfo.substring(dekInfo.indexOf(',') + 1).strip();
        // DEK-Info: AES-256-CBC,<hex IV>; anything else is damage, and is not repeated in the message
        // (cipher names are short: DES-EDE3-CBC, AES-256-CBC, CAMELLIA-256-CBC; a longer one is pasted text)
        if (!cipher.matches("[A-Za-z0-9-]{1,19}") || !iv.matches("([0-9A-Fa-f]{2}){1,32}")) {
            Arrays.fill(password, '\0');
            throw new InputException(source + ": the encrypted PEM block has no usable DEK-Info header; the file is"
                    + " damaged");
        }
        try {
            PEMDecryptor decryptor = new JcePEMDecryptorProviderBuilder().setProvider(Holder.BC).build(password)
                    .get(cipher);
            return decryptor.decrypt(der, Hex.decode(iv));
        } catch (Exception e) {
            throw failure(source, "legacy OpenSSL-encrypted (" + cipher + ") private key", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static InputException failure(String source, String what, Exception e) {
        String m = String.valueOf(e.getMessage()).toLowerCase();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            m += " " + String.valueOf(t.getMessage()).toLowerCase();
        }
        if (m.contains("pad") || m.contains("password") || m.contains("mac") || m.contains("final block")
                || m.contains("tag mismatch")) {
            return new InputException(null, source + ": wrong password for the " + what,
                    "check the password file or variable; it must hold exactly the password (one trailing newline is"
                            + " ignored)", e);
        }
        if (m.contains("not recognised") || m.contains("unknown") || m.contains("not supported")
                || m.contains("cannot find") || m.contains("no such")) {
            return new InputException(null, source + ": the " + what + " uses an encryption this tool cannot read ("
                    + dev.iotjwt.Messages.cause(e) + ")", "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY"
                    + " -out NEW", e);
        }
        return new InputException(null, source + ": cannot decrypt the " + what + ": " + dev.iotjwt.Messages.cause(e),
                "check the password; if it is right, the file is damaged", e);
    }
}
