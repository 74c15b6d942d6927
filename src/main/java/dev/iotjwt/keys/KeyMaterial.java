package dev.iotjwt.keys;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * What a key file held: one private key, public key or certificate, how it was stored, and its type.
 *
 * @param source     the file name as the user gave it
 * @param kind       private key, public key or certificate
 * @param container  the ASN.1 container it was stored in
 * @param encoding   PEM or DER (or bare base64)
 * @param encrypted  whether it was password-protected
 * @param type       key type and size or curve
 * @param privateKey the private key, or null
 * @param publicKey  the public key (also for a private key whose public half is known), or null
 * @param certificate the certificate, or null
 * @param note       what the reader noticed about the form (a stray leading 00: byte, say), or null
 */
public record KeyMaterial(String source, Kind kind, Container container, Encoding encoding, boolean encrypted,
                          KeyType type, PrivateKey privateKey, PublicKey publicKey, X509Certificate certificate,
                          String note) {

    public KeyMaterial(String source, Kind kind, Container container, Encoding encoding, boolean encrypted,
                       KeyType type, PrivateKey privateKey, PublicKey publicKey, X509Certificate certificate) {
        this(source, kind, container, encoding, encrypted, type, privateKey, publicKey, certificate, null);
    }

    /** The same material, read from another form. */
    public KeyMaterial in(Encoding newEncoding, String newNote) {
        return new KeyMaterial(source, kind, container, newEncoding, encrypted, type, privateKey, publicKey,
                certificate, newNote);
    }

    public enum Kind {
        PRIVATE_KEY("private key"), PUBLIC_KEY("public key"), CERTIFICATE("X.509 certificate");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public enum Container {
        PKCS8("PKCS#8"), PKCS1("PKCS#1"), SEC1("SEC1"), SPKI("SubjectPublicKeyInfo"),
        PKCS1_PUBLIC("PKCS#1 RSAPublicKey"), X509("X.509"), RAW_EC_SCALAR("raw EC private scalar");

        private final String text;

        Container(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public enum Encoding {
        PEM("PEM"), DER("DER"), BASE64("base64 DER"), C_ARRAY("C array of DER bytes"), HEX("hex dump of DER bytes"),
        OPENSSL_TEXT("hex, as openssl ec -text prints it");

        private final String text;

        Encoding(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * The public key: its own, a certificate's, or the public half of a private key (for an EC key saved without its
     * public point, computed from the private scalar).
     */
    public PublicKey publicHalf() {
        return publicKey != null ? publicKey : EcPublicKeys.derive(privateKey);
    }

    /** e.g. "EC P-256 private key (encrypted PKCS#8, PEM)" or "X.509 certificate (PEM, RSA 2048 key)". */
    public String describe() {
        if (kind == Kind.CERTIFICATE) {
            return "X.509 certificate (" + encoding.text() + ", " + type.describe() + " key)";
        }
        return type.describe() + " " + kind.text() + " (" + (encrypted ? "encrypted " : "") + container.text() + ", "
                + encoding.text() + ")";
    }
}
