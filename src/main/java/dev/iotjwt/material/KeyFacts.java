package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyLoader;
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
 * @param jwtAlg      RS256 or ES256, or null when the key serves neither
 * @param iotCore     whether IoT Core accepted this key
 * @param registerAs  the registry format for its public half (RSA_PEM, ES256_X509_PEM, …), or null
 * @param verdict     one line: why IoT Core accepts or refuses it
 * @param subject     a certificate's subject name, else null
 * @param note        what the reader noticed about the form, or null
 */
public record KeyFacts(String source, String kind, String type, String container, String encoding,
                       boolean encrypted, String fingerprint, String jwtAlg, boolean iotCore, String registerAs,
                       String verdict, String subject, String note) {

    public static KeyFacts of(KeyMaterial m) {
        PublicKey pub = KeyLoader.publicKeyOf(m);
        String alg = null;
        boolean accepted;
        String verdict;
        try {
            JwtAlg a = JwtAlg.forKey(m.type(), m.source());
            alg = a.name();
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
}
