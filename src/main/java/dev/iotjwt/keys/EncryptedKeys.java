package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMDecryptor;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.encoders.Hex;

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
            InputDecryptorProvider decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(Holder.BC).build(password);
            return info.decryptPrivateKeyInfo(decryptor).getEncoded();
        } catch (Exception e) {
            throw failure(source, "encrypted PKCS#8 private key", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Decrypts the body of a legacy OpenSSL-encrypted PEM block ({@code DEK-Info: AES-256-CBC,IV}). */
    static byte[] decryptLegacy(byte[] der, String dekInfo, char[] password, String source) throws InputException {
        if (dekInfo == null || !dekInfo.contains(",")) {
            Arrays.fill(password, '\0');
            throw new InputException(source + ": the encrypted PEM block has no usable DEK-Info header; the file is"
                    + " damaged");
        }
        String cipher = dekInfo.substring(0, dekInfo.indexOf(',')).strip();
        String iv = dekInfo.substring(dekInfo.indexOf(',') + 1).strip();
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
                    + dev.iotjwt.Messages.cause(e) + ")", "re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out NEW", e);
        }
        return new InputException(null, source + ": cannot decrypt the " + what + ": " + dev.iotjwt.Messages.cause(e),
                "check the password; if it is right, the file is damaged", e);
    }
}
