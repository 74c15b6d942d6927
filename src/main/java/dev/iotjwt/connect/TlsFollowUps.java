package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.tls.TlsFailures;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * After a failed handshake: re-probes with one thing changed at a time (SNI, one TLS version, the default suites,
 * groups or signature schemes) and names the difference that matters. The probes share what is left of the step's
 * bound, so the step ends within {@code --timeout}; a probe there is no time left for is reported as not tried.
 */
final class TlsFollowUps {
    private final Context ctx;
    private final InetSocketAddress address;

    TlsFollowUps(Context ctx, InetSocketAddress address) {
        this.ctx = ctx;
        this.address = address;
    }

    /**
     * Adds a {@code follow-up: <variant>} fact per variant and returns the finding that names the difference, or
     * {@code first} when no variant works.
     */
    Finding refine(Map<String, String> facts, Finding first, long deadline) {
        ConnectRequest r = ctx.request();
        TlsSettings base = r.tls();
        Map<String, TlsSettings> variants = new LinkedHashMap<>();
        if (base.sni() == null && dev.iotjwt.tls.TlsSockets.sniAllowed(r.host())) {
            variants.put("with SNI " + r.host(), base.withSni(r.host()));
        } else if (base.sni() != null) {
            variants.put("without SNI", base.withSni(null));
        }
        variants.put("TLS 1.2 only", base.withProtocols(List.of("TLSv1.2")));
        variants.put("TLS 1.3 only", base.withProtocols(List.of("TLSv1.3")));
        if (!base.ciphers().isEmpty()) {
            variants.put("the default suites", base.withCiphers(List.of()));
        }
        if (!base.groups().isEmpty()) {
            variants.put("the default groups", base.withGroups(List.of()));
        }
        if (!base.schemes().isEmpty()) {
            variants.put("the default signature schemes", base.withSchemes(List.of()));
        }
        Map<String, TlsProbe.Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, TlsSettings> v : variants.entrySet()) {
            Duration left = ctx.left(deadline);
            if (left == null) {
                facts.put("follow-up: " + v.getKey(), ctx.usedUp("tls"));
                continue;
            }
            TlsProbe.Result p = ctx.network().handshake(ctx.roots(), address, r.host(), v.getValue(), left, false);
            results.put(v.getKey(), p);
            facts.put("follow-up: " + v.getKey(), TlsStep.works(p) ? "handshake works (" + p.protocol() + " "
                    + p.cipherSuite() + ")" : "fails: " + TlsFailures.classify(p.error(), left.toMillis())
                    .message());
        }
        List<Map.Entry<String, TlsProbe.Result>> ordered = new ArrayList<>(results.entrySet());
        // the defaults first (the narrowest change), then SNI, then a single version
        ordered.sort(java.util.Comparator.comparingInt(e -> e.getKey().startsWith("the default") ? 0
                : e.getKey().contains("SNI") ? 1 : 2));
        for (Map.Entry<String, TlsProbe.Result> e : ordered) {
            if (TlsStep.works(e.getValue())) {
                return explain(e.getKey(), e.getValue(), base);
            }
        }
        return first;
    }

    /** Why the handshake failed, given that {@code variant} works. */
    private static Finding explain(String variant, TlsProbe.Result works, TlsSettings base) {
        if (variant.startsWith("with SNI")) {
            return Finding.error("tls.sni-missing", "the handshake works with SNI and fails without it: the"
                    + " device does not send SNI", "send the broker's host name in the TLS server_name"
                    + " extension (mbedtls_ssl_set_hostname, nx_secure_tls_session_sni_extension_set)");
        }
        if (variant.equals("without SNI")) {
            return Finding.error("tls.sni-rejected", "the handshake works without SNI and fails with SNI '"
                    + base.sni() + "': the server does not serve that name", "send the broker's own host name"
                    + " as SNI, never an IP address");
        }
        if (variant.startsWith("TLS 1.")) {
            return Finding.error("tls.protocol-version", "the handshake fails with the versions offered but"
                    + " works with " + variant + " (" + works.protocol() + ")", "enable " + works.protocol()
                    + " on the device");
        }
        if (variant.equals("the default signature schemes")) {
            return Finding.error("tls.no-common-cipher", "the server's certificate needs a signature scheme"
                    + " the device does not offer (" + String.join(", ", base.schemes()) + "); with the"
                    + " default schemes it presents " + describe(works.chain()), "choose an endpoint and root the"
                    + " device can verify (the LTS chain is P-256 throughout), or add the scheme to the"
                    + " device");
        }
        if (variant.equals("the default groups")) {
            return Finding.error("tls.no-common-cipher", "the named groups offered (" + String.join(", ",
                    base.groups()) + ") share none with the server; the default groups work", "enable a"
                    + " group the server takes on the device (IoT Core's LTS chain needs P-256 only)");
        }
        return Finding.error("tls.no-common-cipher", "the suites offered share none with the server; the"
                + " default suites work (" + works.cipherSuite() + ")", "add " + works.cipherSuite()
                + " (or another suite the server takes) to the device");
    }

    /** The first certificate of a chain, described for a message. */
    static String describe(List<X509Certificate> chain) {
        return chain.isEmpty() ? "no certificate" : "'" + dev.iotjwt.tls.Certificates.name(chain.get(0)) + "' ("
                + dev.iotjwt.tls.Certificates.keyType(chain.get(0).getPublicKey()) + ")";
    }
}
