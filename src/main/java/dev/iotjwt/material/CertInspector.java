package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.Messages;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.tls.Certificates;
import dev.iotjwt.tls.TlsFailures;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TrustEvaluator;

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
     * @param sni          the SNI name sent to the server, or null (none sent, or a file)
     * @param protocol     the TLS version and suite agreed with the server, or null
     * @param trusted      whether the chain verified against the roots (server only; null for files)
     * @param trustProblem why it did not verify, in one sentence, or null
     * @param findings     what the connection showed (server only): why no certificate arrived, why the chain does
     *                     not verify, the server's no-SNI placeholder certificate
     */
    public record CertReport(String source, boolean server, String judgedAt, long totalBytes, String sni,
                             String protocol, Boolean trusted, String trustProblem, List<Finding> findings,
                             List<CertFacts> certificates) {
        /** A server that presented no certificate: the connection failed (a finding says where and why). */
        public boolean failed() {
            return server && certificates.isEmpty();
        }

        /**
         * The server did not show its real chain: nothing arrived, or only its placeholder for clients that send no
         * SNI. Either is a problem found (exit 1), unlike a chain that merely does not verify against the roots.
         */
        public boolean problem() {
            return failed() || findings.stream().anyMatch(f -> f.code().equals("tls.sni-missing"));
        }
    }

    public CertReport inspectFile(Path file, Instant now) throws InputException {
        List<X509Certificate> certs = new ArrayList<>();
        for (KeyMaterial m : new KeyReader().read(file, PasswordSource.NONE).usable()) {
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
     * The chain {@code host} presents on {@code port}; {@code roots} null means the JDK's trust store. A connection
     * that fails (name, TCP, TLS) is a report with no certificate and the finding that says why.
     */
    public CertReport inspectServer(String host, int port, TlsSettings tls, List<X509Certificate> roots,
                                    Duration timeout) {
        String source = host + ":" + port;
        Instant at = tls.verifyAt();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return failed(source, tls.sni(), at, Finding.error("dns.unresolved", "the name '" + host + "' does not"
                    + " resolve to an address", "check the spelling of --host; for IoT Core it is"
                    + " mqtt.googleapis.com or mqtt.2030.ltsapis.goog"));
        }
        TlsProbe.Result r = new TlsProbe().probe(roots, new InetSocketAddress(address, port), host, tls, timeout);
        if (r.chain().isEmpty()) {
            return failed(source, tls.sni(), at, connectionFailure(r.error(), host, port, timeout));
        }
        List<Finding> findings = new ArrayList<>();
        if (!r.handshake()) {
            Exception why = r.refusal() != null ? r.refusal() : r.error();
            findings.addAll(new TrustEvaluator().evaluate(r.chain(), roots, host, at, r.refusal()).findings());
            if (findings.isEmpty() && why != null) {
                findings.add(TlsFailures.classify(why, timeout.toMillis()));
            }
        }
        String problem = findings.isEmpty() ? null : findings.get(0).message();
        X509Certificate leaf = r.chain().get(0);
        if (Certificates.noSniPlaceholder(leaf)) {
            findings.add(Finding.error("tls.sni-missing", "the server presented its placeholder certificate for"
                    + " clients that send no SNI ('" + Certificates.name(leaf) + "'): "
                    + (tls.sni() == null ? "no SNI was sent" : "it does not serve the SNI name '" + tls.sni() + "'"),
                    "the client must send the broker's host name as SNI (--sni NAME, or --host NAME rather than an IP"
                            + " address); on a device, set it, e.g. mbedtls_ssl_set_hostname"));
        }
        List<CertFacts> facts = facts(r.chain(), at, true);
        return new CertReport(source, true, at.toString(), total(facts), tls.sni(), r.protocol() == null ? null
                : r.protocol() + " " + r.cipherSuite(), r.handshake(), problem, findings, facts);
    }

    private static CertReport failed(String source, String sni, Instant at, Finding why) {
        return new CertReport(source, true, at.toString(), 0, sni, null, null, null, List.of(why), List.of());
    }

    /** Why no certificate arrived: the TCP connection, or the TLS handshake before the server's certificate. */
    private static Finding connectionFailure(Exception e, String host, int port, Duration timeout) {
        if (e == null) {
            return Finding.error("tls.closed", "the server sent no certificate", null);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return Finding.error("tcp.refused", "the connection to " + host + " port " + port + " was refused:"
                        + " nothing listens there, or a firewall refuses it", "check --host and --port (IoT Core's"
                        + " MQTT bridge listens on 8883 and 443)");
            }
            if (c instanceof java.net.NoRouteToHostException) {
                return Finding.error("tcp.timeout", "there is no route to " + host + " (port " + port + ")",
                        "check the network, or a firewall between here and the server");
            }
            if (c instanceof java.net.SocketTimeoutException && String.valueOf(c.getMessage()).toLowerCase(
                    java.util.Locale.ROOT).contains("connect timed out")) {
                return Finding.error("tcp.timeout", "no TCP answer from " + host + " port " + port + " within "
                        + timeout.toMillis() + " ms", "a firewall may drop the traffic; check --host and --port");
            }
        }
        return TlsFailures.classify(e, timeout.toMillis());
    }

    private static CertReport report(String source, boolean server, List<X509Certificate> certs, Instant now,
                                     String protocol, Boolean trusted, String problem) {
        List<CertFacts> facts = facts(certs, now, server);
        return new CertReport(source, server, now.toString(), total(facts), null, protocol, trusted, problem,
                List.of(), facts);
    }

    private static List<CertFacts> facts(List<X509Certificate> certs, Instant now, boolean server) {
        List<CertFacts> facts = new ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            facts.add(facts(i, certs.get(i), now, server));
        }
        return facts;
    }

    private static long total(List<CertFacts> facts) {
        return facts.stream().mapToLong(CertFacts::derBytes).sum();
    }

    /**
     * What breaks a device that embeds {@code c} as a trust anchor, judged at {@code now}: expired, not yet valid,
     * expiring, not a root, a heavy key. The same warnings {@code cert inspect} gives for a file.
     */
    public static List<Finding> anchorWarnings(X509Certificate c, Instant now) {
        return facts(0, c, now, false).warnings();
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
            warnings.add(Finding.warning("cert.heavy-key", "'" + name + "' has " + Messages.article(key)
                    + " key, which small crypto engines (hardware secure elements, trimmed mbedTLS or wolfSSL builds)"
                    + " often cannot verify",
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
