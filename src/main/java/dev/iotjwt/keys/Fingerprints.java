package dev.iotjwt.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;

/** SHA-256 fingerprints of public keys (over the DER SubjectPublicKeyInfo, as {@code openssl pkey -pubout -outform DER | sha256sum}). */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static String sha256(PublicKey key) {
        return sha256(key.getEncoded());
    }

    public static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
