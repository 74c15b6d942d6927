package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.tls.Certificates;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every certificate in a file or bundle, or the chain a server presents (recorded during a verifying handshake,
 * so it is shown even when it does not verify; nothing is sent over that connection), with what a device maker
 * needs to know: dates, key type and size, CA flag, fingerprints, size, and the warnings of small devices.
 */
public final class CertInspector {
    /** Certificates that expire within this many days are flagged. */
    public static final int EXPIRING_DAYS = 90;

    /**
     * One certificate.
     *
     * @param validity "valid", "expired" or "not yet valid"
     * @param daysLeft days until notAfter at the judging time (negative once expired)
     * @param derBytes the size of its DER encoding: what a device stores
     */
    public record CertFacts(int index, String subject, String issuer, String serial, String notBefore,
                            String notAfter, String validity, long daysLeft, String key, String signatureAlgorithm,
                            List<String> sans, boolean ca, boolean selfSigned, String fingerprint, int derBytes,
                            List<Finding> warnings) {
    }

    /**
     * The report.
     *
     * @param source       the file, or host:port
     * @param server       whether the chain came from a server
     * @param totalBytes   the DER bytes of all certificates together
     * @param protocol     the TLS version and suite agreed with the server, or null
     * @param trusted      whether the chain verified against the roots (server only; null for files)
     * @param trustProblem why it did not verify, or null
     */
    public record CertReport(String source, boolean server, String judgedAt, long totalBytes, String protocol,
                             Boolean trusted, String trustProblem, List<CertFacts> certificates) {
    }

    public CertReport inspectFile(Path file, Instant now) throws InputException {
        List<X509Certificate> certs = new ArrayList<>();
        for (KeyMaterial m : new KeyLoader().read(file, PasswordSource.NONE)) {
            if (m.certificate() != null) {
                certs.add(m.certificate());
            }
        }
        if (certs.isEmpty()) {
            throw new InputException(file + ": holds no certificate", "give a certificate or a bundle (PEM or DER);"
                    + " for keys use iotjwt key inspect");
        }
        return report(file.toString(), false, certs, now, null, null, null);
    }

    /**
     * The chain {@code host} presents on {@code port}; {@code roots} null means the JDK's trust store.
     *
     * @throws InputException when the name does not resolve or no certificate arrived
     */
    public CertReport inspectServer(String host, int port, TlsSettings tls, List<X509Certificate> roots,
                                    Duration timeout) throws InputException {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InputException("--host " + host + ": does not resolve");
        }
        TlsProbe.Result r = new TlsProbe().probe(roots, new InetSocketAddress(address, port), host, tls, timeout);
        if (r.chain().isEmpty()) {
            Exception e = r.error();
            throw new InputException(host + ":" + port + ": no certificate arrived: " + (e == null ? "no handshake"
                    : e.getMessage()), "iotjwt connect --host " + host + " --port " + port + " says why, step by step");
        }
        String problem = r.handshake() ? null : r.refusal() != null ? r.refusal().getMessage()
                : r.error() == null ? null : r.error().getMessage();
        return report(host + ":" + port, true, r.chain(), tls.verifyAt(), r.protocol() == null ? null
                : r.protocol() + " " + r.cipherSuite(), r.handshake(), problem);
    }

    private static CertReport report(String source, boolean server, List<X509Certificate> certs, Instant now,
                                     String protocol, Boolean trusted, String problem) {
        List<CertFacts> facts = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < certs.size(); i++) {
            CertFacts f = facts(i, certs.get(i), now, server);
            total += f.derBytes();
            facts.add(f);
        }
        return new CertReport(source, server, now.toString(), total, protocol, trusted, problem, facts);
    }

    private static CertFacts facts(int index, X509Certificate c, Instant now, boolean server) {
        List<Finding> warnings = new ArrayList<>();
        Instant from = c.getNotBefore().toInstant();
        Instant to = c.getNotAfter().toInstant();
        long daysLeft = Math.floorDiv(Duration.between(now, to).toSeconds(), 86_400);
        String validity;
        String name = Certificates.name(c);
        if (now.isAfter(to)) {
            validity = "expired";
            warnings.add(Finding.error("cert.expired", "'" + name + "' expired on " + to + " (" + -daysLeft
                    + " days ago)", "replace it; a device that embeds it fails every TLS handshake"));
        } else if (now.isBefore(from)) {
            validity = "not yet valid";
            warnings.add(Finding.error("cert.not-yet-valid", "'" + name + "' is valid only from " + from,
                    "check the clock of the machine or device that judges it"));
        } else {
            validity = "valid";
            if (daysLeft < EXPIRING_DAYS) {
                warnings.add(Finding.warning("cert.expiring", "'" + name + "' expires on " + to + ", in " + daysLeft
                        + " days", "plan the replacement on devices before then (IoT Core's roots changed under"
                        + " devices in the field)"));
            }
        }
        boolean selfSigned = Certificates.selfSigned(c);
        boolean ca = c.getBasicConstraints() >= 0;
        if (!server && !selfSigned) {
            warnings.add(Finding.warning("cert.not-a-root", "'" + name + "' is not self-signed: it is " + (ca
                    ? "an intermediate" : "a leaf") + " issued by '" + Certificates.issuerName(c) + "'",
                    "as a device's trust anchor it works only while the server sends this very chain; embed the root"
                            + " that issued it"));
        }
        String key = Certificates.keyType(c.getPublicKey());
        if (c.getPublicKey() instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() > 256
                || c.getPublicKey() instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() >= 4096) {
            warnings.add(Finding.warning("cert.heavy-key", "'" + name + "' has " + dev.iotjwt.keys.KeyLoader.article(key) + " key, which small crypto"
                    + " engines (hardware secure elements, trimmed mbedTLS or wolfSSL builds) often cannot verify",
                    "check the device can verify " + key + " signatures, or choose a chain with a P-256 or RSA 2048"
                            + " root"));
        }
        int size;
        try {
            size = c.getEncoded().length;
        } catch (CertificateEncodingException e) {
            size = 0;
        }
        return new CertFacts(index, dev.iotjwt.Messages.printable(c.getSubjectX500Principal().getName()),
                dev.iotjwt.Messages.printable(c.getIssuerX500Principal().getName()),
                HexFormat.ofDelimiter(":").formatHex(c.getSerialNumber().toByteArray()), from.toString(),
                to.toString(), validity, daysLeft, key, c.getSigAlgName(), Certificates.sans(c), ca, selfSigned,
                Certificates.fingerprint(c), size, warnings);
    }
}
