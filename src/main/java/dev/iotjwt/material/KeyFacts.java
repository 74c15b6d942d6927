package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyDescriber;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.tls.Certificates;

import java.security.PublicKey;

/**
 * What one key or certificate is, for people and registries.
 *
 * @param source      the file
 * @param kind        private key, public key or X.509 certificate
 * @param type        e.g. "EC P-256", "RSA 2048"
 * @param container   PKCS#8, PKCS#1, SEC1, SubjectPublicKeyInfo, X.509, raw EC private scalar
 * @param encoding    PEM, DER, C array, hex dump, …
 * @param encrypted   whether a password protected it
 * @param fingerprint SHA-256 of the public key's SubjectPublicKeyInfo DER, hex
 * @param jwtAlg      the JWT algorithm the key serves: RS256, ES256, ES384 (P-384), ES512 (P-521), ES256K, EdDSA, or
 *                    null when it serves none (or is encrypted)
 * @param iotCore     whether IoT Core accepted this key (false also when encryption hides what it is)
 * @param registerAs  the registry format for its public half (RSA_PEM, ES256_X509_PEM, …), or null
 * @param verdict     one line: why IoT Core accepts or refuses it
 * @param subject     a certificate's subject name, else null
 * @param note        what the reader noticed about the form, or null
 */
public record KeyFacts(String source, String kind, String type, String container, String encoding,
                       boolean encrypted, String fingerprint, String jwtAlg, boolean iotCore, String registerAs,
                       String verdict, String subject, String note) {

    public static KeyFacts of(KeyMaterial m) {
        PublicKey pub = m.publicHalf();
        String alg = null;
        boolean accepted;
        String verdict;
        try {
            JwtAlg a = JwtAlg.forKey(m.type(), m.source());
            alg = jwsName(a, m.type());
            a.requireUsable(m.type(), m.source());
            accepted = true;
            verdict = "accepts it: " + a + (m.kind() == KeyMaterial.Kind.PRIVATE_KEY ? " tokens signed with it"
                    : " tokens verified with it");
        } catch (InputException e) {
            accepted = false;
            verdict = "refuses it: " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
        }
        String format = !accepted ? null : (m.type().isRsa() ? "RSA" : "ES256")
                + (m.kind() == KeyMaterial.Kind.CERTIFICATE ? "_X509_PEM" : "_PEM");
        return new KeyFacts(m.source(), m.kind().text(), m.type().describe(), m.container().text(),
                m.encoding().text(), m.encrypted(), pub == null ? null : Fingerprints.sha256(pub), alg, accepted,
                format, verdict, m.certificate() == null ? null : Certificates.name(m.certificate()), m.note());
    }

    /** The JWS name of what an EC key signs: a P-384 key makes ES384 signatures, not ES256 ones. */
    private static String jwsName(JwtAlg a, dev.iotjwt.keys.KeyType type) {
        if (a != JwtAlg.ES256 || type.isP256() || type.curve() == null) {
            return a.name();
        }
        return switch (type.curve().bits()) {
            case 384 -> "ES384";
            case 521 -> "ES512";
            default -> null;
        };
    }

    /**
     * A key the reader can name but not use (a type or curve IoT Core refuses), or an encrypted key whose password was
     * not given.
     */
    public static KeyFacts of(KeyDescriber.Description d) {
        String verdict = d.refusal() != null ? "refuses it: " + d.refusal()
                : "cannot be told until it is decrypted (IoT Core accepts RSA keys of 2048 bits or more and EC P-256"
                + " keys)";
        String note = !d.encrypted() ? null : "encrypted" + (d.protection() == null ? "" : " with " + d.protection())
                + ": give the password (--key-password-file FILE, --key-password-env VAR, or at the prompt) to see its"
                + " type and fingerprint";
        return new KeyFacts(d.source(), d.kind().text(), d.type(), d.container().text(), d.encoding().text(),
                d.encrypted(), d.fingerprint(), d.jwtAlg(), false, null, verdict, null, note);
    }
}
