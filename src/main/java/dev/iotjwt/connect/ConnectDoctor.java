package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.diagnose.Target;
import dev.iotjwt.jwt.CheckReport;
import dev.iotjwt.jwt.CheckRequest;
import dev.iotjwt.jwt.JwtChecker;
import dev.iotjwt.mqtt.ClientIds;
import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.tls.TlsContexts;
import dev.iotjwt.tls.TlsFailures;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TrustEvaluator;
import dev.iotjwt.tls.TunnelSocketFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Connects like a device, step by step: inputs, dns, tcp, tls, trust, mqtt, session. Every step is bounded; after a
 * failure the later steps are skipped; the token is only sent once trust has passed, over a verifying connection.
 */
public final class ConnectDoctor {
    private static final List<String> ORDER = List.of("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session");

    public Diagnosis run(ConnectRequest r) {
        // the report is the session's log: a token pasted into the client id loses its signature there too
        Target target = new Target(r.profile(), r.host(), r.port(), r.tls().sni(), ClientIds.quote(r.clientId()));
        List<StepResult> steps = new ArrayList<>();
        Run run = new Run(r);
        for (Supplier<StepResult> step : List.<Supplier<StepResult>>of(
                run::inputs, run::dns, run::tcp, run::tls, run::trust)) {
            StepResult result = step.get();
            steps.add(result);
            if (result.status() == Status.FAIL) {
                break;
            }
        }
        if (steps.get(steps.size() - 1).status() != Status.FAIL) {
            PahoConnector mqtt = new PahoConnector();
            try {
                StepResult m = run.mqtt(mqtt);
                steps.add(m);
                if (m.status() != Status.FAIL) {
                    StepResult session = run.session(mqtt);
                    // staying, a drop is what the device rides out: reconnect rather than end there
                    boolean onlyDropped = session.findings().stream().filter(Finding::isError)
                            .allMatch(f -> f.code().equals("mqtt.dropped")) && mqtt.lost() != null;
                    if (!r.stay().isZero() && (session.status() != Status.FAIL || onlyDropped)) {
                        mqtt = run.stay(mqtt, session);
                        session = run.stayResult;
                    }
                    steps.add(session);
                }
            } finally {
                mqtt.close();
            }
        }
        run.closeProbe();
        String failed = steps.get(steps.size() - 1).id();
        for (String id : ORDER.subList(ORDER.indexOf(failed) + 1, ORDER.size())) {
            steps.add(StepResult.skipped(id, "skipped: the " + failed + " step failed"));
        }
        boolean ok = steps.stream().noneMatch(s -> s.status() == Status.FAIL);
        return new Diagnosis(ok, target, steps, ok ? null : cause(steps));
    }

    /**
     * The failing step's first error; a token or client id problem when the broker refused the credentials (errors
     * first, then warnings: what IoT Core tolerated is what strict bridges refuse).
     */
    static Finding cause(List<StepResult> steps) {
        StepResult failed = steps.stream().filter(s -> s.status() == Status.FAIL).findFirst().orElse(null);
        if (failed == null) {
            return null;
        }
        Finding first = failed.findings().stream().filter(Finding::isError).findFirst().orElse(null);
        if (first != null && (first.code().startsWith("mqtt.connack.") || first.code().equals("mqtt.closed"))) {
            for (Finding f : steps.get(0).findings()) {
                if (f.isError() && (f.code().startsWith("jwt.") || f.code().startsWith("clientid."))) {
                    return f;
                }
            }
            for (Finding f : steps.get(0).findings()) {
                if (f.code().startsWith("clientid.")) {
                    return f;
                }
            }
            // what IoT Core tolerated (padding, string claims) is what a strict bridge refuses
            for (Finding f : steps.get(0).findings()) {
                if (f.code().startsWith("jwt.") && f.severity() == dev.iotjwt.diagnose.Severity.WARNING) {
                    return f;
                }
            }
        }
        return first;
    }

    /** The first certificate of a chain, described for a message. */
    private record X509CertificateHolder(List<X509Certificate> chain) {
        String describe() {
            return chain.isEmpty() ? "no certificate" : "'" + dev.iotjwt.tls.Certificates.name(chain.get(0)) + "' ("
                    + dev.iotjwt.tls.Certificates.keyType(chain.get(0).getPublicKey()) + ")";
        }
    }

    private static final class Run {
        private final ConnectRequest r;
        private InetAddress[] addresses;
        private InetSocketAddress connected;
        private TlsProbe.Result probe;
        private StepResult stayResult;
        private final java.util.Random jitter = new java.util.Random();

        Run(ConnectRequest r) {
            this.r = r;
        }

        /** A PKIX context for a connection of MQTT's own (reconnects); the first one reuses the TLS step's. */
        private javax.net.ssl.SSLContext verifyingContext() {
            try {
                return TlsContexts.create(roots(), r.tls().verifyAt()).context();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
        }

        /** The TLS step's connection, when MQTT did not take it over (a later step failed or was not run). */
        void closeProbe() {
            if (probe != null && probe.socket() != null && !probe.socket().isClosed()) {
                try {
                    probe.socket().close();
                } catch (java.io.IOException e) {
                    // nothing to tell: the diagnosis is complete
                }
            }
        }

        private List<X509Certificate> roots() {
            return r.ca() == null ? null : r.ca().certificates();
        }

        StepResult inputs() {
            long start = System.nanoTime();
            Map<String, String> facts = new LinkedHashMap<>();
            List<Finding> findings = new ArrayList<>();
            facts.put("client id", ClientIds.quote(r.clientId()));
            facts.put("token", r.tokenOrigin() + ": " + elide(r.token()));
            if (r.ca() != null) {
                facts.put("CA", String.join(", ", r.ca().names()) + " (" + r.ca().certificates().size()
                        + " certificate" + (r.ca().certificates().size() == 1 ? "" : "s") + ", " + r.ca().bytes()
                        + " bytes)");
                findings.addAll(r.ca().findings());
            } else {
                facts.put("CA", "the JDK's trust store (give --ca or --profile to trust what the device trusts)");
            }
            findings.addAll(ClientIds.check(r.clientId()));
            ClientIds.Parts parts = ClientIds.parse(r.clientId());
            CheckReport report = new JwtChecker().check(new CheckRequest(r.token(), parts == null ? null
                    : parts.project(), r.keys(), r.now(), Duration.ofMinutes(10), false));
            for (Finding f : report.findings()) {
                if (!f.code().equals("jwt.signature.unverified")) {
                    findings.add(f);
                }
            }
            if (report.signature() != null && report.signature().verified()) {
                facts.put("signature", "verifies with " + report.signature().verifiedWith());
            }
            boolean caFatal = findings.stream().anyMatch(f -> f.isError() && f.code().startsWith("ca."));
            Status status = caFatal ? Status.FAIL : findings.stream().anyMatch(f -> f.isError()
                    || f.severity() == dev.iotjwt.diagnose.Severity.WARNING) ? Status.WARN : Status.PASS;
            String summary = caFatal ? "the CA file cannot be used" : status == Status.PASS ? "token, client id and CA"
                    + " look right" : "found problems; connecting anyway to see the broker's answer";
            return new StepResult("inputs", status, summary, facts, findings, millis(start));
        }

        StepResult dns() {
            long start = System.nanoTime();
            Map<String, String> facts = new LinkedHashMap<>();
            CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
                try {
                    return InetAddress.getAllByName(r.host());
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                addresses = lookup.get(r.timeout().toMillis(), TimeUnit.MILLISECONDS);
                String list = String.join(", ", Arrays.stream(addresses).map(InetAddress::getHostAddress).toList());
                facts.put("addresses", list);
                return new StepResult("dns", Status.PASS, r.host() + " → " + list, facts, List.of(), millis(start));
            } catch (TimeoutException e) {
                lookup.cancel(true);
                return fail("dns", start, facts, Finding.error("dns.unresolved", "no DNS answer for " + r.host()
                        + " within " + r.timeout().toSeconds() + " s", "check the DNS server or proxy settings"));
            } catch (ExecutionException | InterruptedException e) {
                return fail("dns", start, facts, Finding.error("dns.unresolved", "cannot resolve " + r.host()
                        + " (DNS)", "check the host name's spelling and the DNS server; IoT Core's hosts are"
                        + " mqtt.googleapis.com and mqtt.2030.ltsapis.goog"));
            }
        }

        StepResult tcp() {
            long start = System.nanoTime();
            Map<String, String> facts = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            Finding last = null;
            for (InetAddress a : addresses) {
                InetSocketAddress sa = new InetSocketAddress(a, r.port());
                try (Socket s = new Socket()) {
                    s.connect(sa, (int) r.timeout().toMillis());
                    connected = sa;
                    facts.put("connected", a.getHostAddress() + ":" + r.port());
                    if (!failures.isEmpty()) {
                        facts.put("failed first", String.join("; ", failures));
                    }
                    return new StepResult("tcp", Status.PASS, "connected to " + a.getHostAddress() + ":" + r.port()
                            + (failures.isEmpty() ? "" : " after " + failures.size() + " dead address(es)"), facts,
                            List.of(), millis(start));
                } catch (ConnectException e) {
                    failures.add(a.getHostAddress() + " refused");
                    last = Finding.error("tcp.refused", r.host() + ":" + r.port() + " refused the TCP connection"
                            + " (RST): nothing listens there, or a firewall rejects it", "check the port: 8883, or"
                            + " 443 where 8883 is blocked");
                } catch (SocketTimeoutException e) {
                    failures.add(a.getHostAddress() + " timed out");
                    last = Finding.error("tcp.timeout", "no answer to the TCP connection to " + r.host() + ":"
                            + r.port() + " within " + r.timeout().toSeconds() + " s: the port is filtered",
                            "a firewall drops the traffic; try port 443");
                } catch (IOException e) {
                    failures.add(a.getHostAddress() + " " + e.getMessage());
                    last = Finding.error("tcp.refused", "cannot connect to " + r.host() + ":" + r.port() + ": "
                            + e.getMessage(), null);
                }
            }
            facts.put("tried", String.join("; ", failures));
            if (failures.size() > 1) {
                last = Finding.error(last.code(), "every address of " + r.host() + " failed (" + String.join("; ",
                        failures) + "): " + last.message(), last.hint());
            }
            return fail("tcp", start, facts, last);
        }

        StepResult tls() {
            long start = System.nanoTime();
            probe = new TlsProbe().probe(roots(), connected, r.host(), r.tls(), r.timeout(), true);
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("SNI", r.tls().sni() == null ? "none sent" : r.tls().sni());
            if (!r.tls().protocols().isEmpty()) {
                facts.put("offered versions", String.join(", ", r.tls().protocols()));
            }
            if (!r.tls().ciphers().isEmpty()) {
                facts.put("offered suites", String.join(", ", r.tls().ciphers()));
            }
            if (works(probe)) {
                facts.put("version", String.valueOf(probe.protocol()));
                facts.put("suite", String.valueOf(probe.cipherSuite()));
                return new StepResult("tls", Status.PASS, probe.protocol() + " " + probe.cipherSuite() + ", SNI "
                        + facts.get("SNI"), facts, List.of(), millis(start));
            }
            Finding f = TlsFailures.classify(probe.error(), r.timeout().toMillis());
            Finding refined = followUps(facts, f, deadline(start));
            List<Finding> findings = new ArrayList<>();
            findings.add(refined);
            if (refined != f) {
                findings.add(f);
            }
            return new StepResult("tls", Status.FAIL, refined.message(), facts, findings, millis(start));
        }

        /**
         * Whether a probe shows that the version and suite work: the handshake completed, or the server's certificate
         * arrived and the connection was not lost afterwards (a refused chain is the trust step's business; a reset
         * after the certificate is not).
         */
        private static boolean works(TlsProbe.Result p) {
            return p.handshake() || p.reachedCert() && (p.refusal() != null || !TlsFailures.connectionLost(p.error()));
        }

        /** The end of a step's bound: {@code --timeout} after it started. */
        private long deadline(long start) {
            return start + r.timeout().toNanos();
        }

        /** What is left of a step's bound, or null when too little is left for another probe. */
        private Duration left(long deadline) {
            long nanos = deadline - System.nanoTime();
            return nanos < Duration.ofMillis(100).toNanos() ? null : Duration.ofNanos(nanos);
        }

        private String usedUp(String step) {
            return "not tried: the " + step + " step's bound of " + dev.iotjwt.time.Times.human(r.timeout())
                    + " (--timeout) was used up";
        }

        /**
         * Re-probes with one thing changed at a time and names the difference that matters. The probes share what is
         * left of the step's bound, so the step ends within {@code --timeout}.
         */
        private Finding followUps(Map<String, String> facts, Finding first, long deadline) {
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
                Duration left = left(deadline);
                if (left == null) {
                    facts.put("follow-up: " + v.getKey(), usedUp("tls"));
                    continue;
                }
                TlsProbe.Result p = new TlsProbe().probe(roots(), connected, r.host(), v.getValue(), left);
                results.put(v.getKey(), p);
                facts.put("follow-up: " + v.getKey(), works(p) ? "handshake works (" + p.protocol() + " "
                        + p.cipherSuite() + ")" : "fails: " + TlsFailures.classify(p.error(), left.toMillis())
                        .message());
            }
            List<Map.Entry<String, TlsProbe.Result>> ordered = new ArrayList<>(results.entrySet());
            ordered.sort(java.util.Comparator.comparingInt(e -> e.getKey().startsWith("the default") ? 0
                    : e.getKey().contains("SNI") ? 1 : 2));
            for (Map.Entry<String, TlsProbe.Result> e : ordered) {
                if (!works(e.getValue())) {
                    continue;
                }
                String k = e.getKey();
                if (k.startsWith("with SNI")) {
                    return Finding.error("tls.sni-missing", "the handshake works with SNI and fails without it: the"
                            + " device does not send SNI", "send the broker's host name in the TLS server_name"
                            + " extension (mbedtls_ssl_set_hostname, nx_secure_tls_session_sni_extension_set)");
                }
                if (k.equals("without SNI")) {
                    return Finding.error("tls.sni-rejected", "the handshake works without SNI and fails with SNI '"
                            + base.sni() + "': the server does not serve that name", "send the broker's own host name"
                            + " as SNI, never an IP address");
                }
                if (k.startsWith("TLS 1.")) {
                    return Finding.error("tls.protocol-version", "the handshake fails with the versions offered but"
                            + " works with " + k + " (" + e.getValue().protocol() + ")", "enable " + e.getValue()
                            .protocol() + " on the device");
                }
                if (k.equals("the default signature schemes")) {
                    X509CertificateHolder leaf = new X509CertificateHolder(e.getValue().chain());
                    return Finding.error("tls.no-common-cipher", "the server's certificate needs a signature scheme"
                            + " the device does not offer (" + String.join(", ", base.schemes()) + "); with the"
                            + " default schemes it presents " + leaf.describe(), "choose an endpoint and root the"
                            + " device can verify (the LTS chain is P-256 throughout), or add the scheme to the"
                            + " device");
                }
                if (k.equals("the default groups")) {
                    return Finding.error("tls.no-common-cipher", "the named groups offered (" + String.join(", ",
                            base.groups()) + ") share none with the server; the default groups work", "enable a"
                            + " group the server takes on the device (IoT Core's LTS chain needs P-256 only)");
                }
                if (k.equals("the default suites")) {
                    return Finding.error("tls.no-common-cipher", "the suites offered share none with the server; the"
                            + " default suites work (" + e.getValue().cipherSuite() + ")", "add "
                            + e.getValue().cipherSuite() + " (or another suite the server takes) to the device");
                }
            }
            return first;
        }

        StepResult trust() {
            long start = System.nanoTime();
            String host = r.host();
            // the name verified is the host dialled or the one given with --verify-name, never the SNI sent
            String name = r.tls().verifiedName(host);
            String nameOrigin = r.tls().verifyName() == null ? "the host dialled" : "given with --verify-name";
            String sniSent = r.tls().sni() == null ? "none" : r.tls().sni();
            TrustEvaluator.Result t = new TrustEvaluator().evaluate(probe.chain(), roots(), name, r.tls().verifyAt(),
                    probe.refusal() != null ? probe.refusal() : probe.error());
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("name verified", name + " (" + nameOrigin + ")");
            facts.put("SNI sent", sniSent);
            facts.putAll(t.facts());
            if (probe.handshake()) {
                List<Finding> findings = t.findings().stream().filter(f -> !f.isError()).toList();
                return new StepResult("trust", StepResult.statusOf(findings), "chain verifies"
                        + (t.anchor() != null ? ", anchored at " + t.anchor().replaceAll(" \\(SHA-256.*", "")
                        : " (JDK trust store)") + "; the certificate names " + name + " (" + nameOrigin + "), SNI sent: "
                        + sniSent, facts, findings, millis(start));
            }
            List<Finding> findings = new ArrayList<>(t.findings());
            findings.replaceAll(f -> f.code().equals("trust.hostname-mismatch") ? Finding.error(f.code(), f.message()
                    + " (the name verified: " + nameOrigin + "; SNI sent: " + sniSent + ")", r.tls().verifyName() == null
                    && r.tls().sni() != null && !r.tls().sni().equalsIgnoreCase(host) ? "the SNI does not change the"
                    + " name verified: dial the name the certificate carries, or give --verify-name NAME if the"
                    + " device verifies another name than it dials" : f.hint()) : f);
            long deadline = deadline(start);
            Duration left = left(deadline);
            if (r.tls().sni() == null && dev.iotjwt.tls.TlsSockets.sniAllowed(host) && left == null) {
                facts.put("follow-up: with SNI " + host, usedUp("trust"));
            } else if (r.tls().sni() == null && dev.iotjwt.tls.TlsSockets.sniAllowed(host)) {
                TlsProbe.Result withSni = new TlsProbe().probe(roots(), connected, host, r.tls().withSni(host),
                        left);
                facts.put("follow-up: with SNI " + host, withSni.handshake() ? "the chain verifies"
                        : "still does not verify");
                if (withSni.handshake()) {
                    findings.add(0, Finding.error("tls.sni-missing", "without SNI the server presents '"
                            + (probe.chain().isEmpty() ? "?" : dev.iotjwt.tls.Certificates.name(probe.chain().get(0)))
                            + "', with SNI " + host + " a chain that verifies: the device does not send SNI",
                            "send the broker's host name in the TLS server_name extension"));
                }
            }
            if (r.tls().sni() == null && !probe.chain().isEmpty()
                    && dev.iotjwt.tls.Certificates.noSniPlaceholder(probe.chain().get(0))
                    && findings.stream().noneMatch(f -> f.code().equals("tls.sni-missing"))) {
                // to an IP address no SNI is sent, so no follow-up with SNI could run: the placeholder tells
                findings.add(0, Finding.error("tls.sni-missing", "without SNI the server presents the no-SNI"
                        + " placeholder '" + dev.iotjwt.tls.Certificates.name(probe.chain().get(0)) + "' (\"No SNI"
                        + " provided\"): it requires SNI, and none was sent" + (dev.iotjwt.tls.TlsSockets.sniAllowed(
                        host) ? "" : " (" + host + " is an address; SNI carries a host name)"), "give --host NAME or"
                        + " --sni NAME with the broker's host name (the local broker's: localhost, or a --hostname it"
                        + " was started with); on the device, send that name in the TLS server_name extension"));
            }
            if ("local".equals(r.profile()) && t.sameNameOtherCa()) {
                findings.replaceAll(f -> f.code().equals("trust.unknown-ca") && f.message().contains("same name")
                        ? Finding.error(f.code(), f.message(), "another local broker's CA, or one made anew: give --ca"
                        + " <the broker's state-dir>/ca.pem (the file its start-up lines name); without --ca the"
                        + " local profile trusts the default state folder's ca.pem") : f);
            }
            left = left(deadline);
            if (!r.tls().schemes().isEmpty() && left == null) {
                facts.put("follow-up: the default signature schemes", usedUp("trust"));
            } else if (!r.tls().schemes().isEmpty()) {
                TlsProbe.Result defaults = new TlsProbe().probe(roots(), connected, host,
                        r.tls().withSchemes(List.of()), left);
                facts.put("follow-up: the default signature schemes", defaults.handshake() ? "the chain verifies"
                        : "still does not verify");
                if (defaults.handshake()) {
                    findings.removeIf(f -> f.code().equals("trust.unknown-ca"));
                    findings.add(0, Finding.error("tls.no-common-cipher", "the server's certificate needs a signature"
                            + " scheme the device does not offer (" + String.join(", ", r.tls().schemes()) + "); it"
                            + " presents " + new X509CertificateHolder(probe.chain()).describe() + ", which verifies"
                            + " with the default schemes", "choose an endpoint and root the device can verify (the LTS"
                            + " chain is P-256 throughout), or add the scheme to the device"));
                }
            }
            if (findings.stream().noneMatch(Finding::isError)) {
                findings.add(Finding.error("trust.unknown-ca", "the server's chain did not verify", null));
            }
            return new StepResult("trust", Status.FAIL, findings.get(0).message(), facts, findings, millis(start));
        }

        StepResult mqtt(PahoConnector connector) {
            long start = System.nanoTime();
            Map<String, String> facts = new LinkedHashMap<>();
            TunnelSocketFactory tunnel = new TunnelSocketFactory(this::verifyingContext, connected, r.host(), r.tls(),
                    r.timeout()).first(probe.socket());
            facts.put("protocol", "MQTT 3.1.1, clean session, user name '" + r.username() + "'");
            PahoConnector.ConnectOutcome o = connector.connect(tunnel, connected, r.clientId(), r.username(),
                    r.token(), r.timeout());
            facts.put("CONNACK", o.connected() ? "0 (accepted)" : o.connackCode() >= 0 ? String.valueOf(
                    o.connackCode()) : "none");
            if (o.connected()) {
                return new StepResult("mqtt", Status.PASS, "CONNACK 0: connected", facts, List.of(), millis(start));
            }
            Finding failure = o.failure();
            if ("local".equals(r.profile()) && failure != null
                    && failure.code().equals("mqtt.connack.not-authorized")) {
                // the local broker logs every refusal with its finding code and reason: that line is the answer
                failure = Finding.error(failure.code(), failure.message(), "the local broker's log names the exact"
                        + " reason: see its 'refused <device> <code>: <reason>' line; check the token with iotjwt"
                        + " check --project P --public-key KEY");
            }
            return fail("mqtt", start, facts, failure);
        }

        StepResult session(PahoConnector connector) {
            long start = System.nanoTime();
            if (r.publishTopic() == null && r.subscribeTopic() == null && r.stay().isZero()) {
                return new StepResult("session", Status.SKIPPED, "nothing asked (--publish, --subscribe)", Map.of(),
                        List.of(), 0);
            }
            if (r.publishTopic() == null && r.subscribeTopic() == null) {
                return new StepResult("session", Status.PASS, "connected", Map.of(), List.of(), 0);
            }
            PahoConnector.SessionOutcome s = connector.session(r.publishTopic(),
                    r.publishEvery() == null ? r.payload() : r.payload().replace("{seq}", "1"),
                    r.subscribeTopic(),
                    r.waitFor(), r.timeout());
            Status status = StepResult.statusOf(s.findings());
            String summary = status == Status.FAIL ? s.findings().get(0).message() : String.join("; ",
                    s.facts().entrySet().stream().filter(e -> !e.getKey().startsWith("message "))
                            .map(e -> e.getKey() + " " + e.getValue()).toList());
            return new StepResult("session", status, summary, s.facts(), s.findings(), millis(start));
        }

        /**
         * Stays connected as a real device would: reconnects with a fresh token before the old one expires, and
         * with exponential backoff and jitter after a drop, subscribing again each time. With publishEvery it
         * publishes telemetry as it goes: a message due while disconnected waits in an outbox (bounded) and is sent
         * once connected again; a message never acknowledged by the end is reported as lost. Returns the connector
         * in use at the end.
         */
        PahoConnector stay(PahoConnector first, StepResult session) {
            long start = System.nanoTime();
            Map<String, String> facts = new LinkedHashMap<>(session.facts());
            List<Finding> findings = new ArrayList<>(session.findings().stream()
                    .filter(f -> !f.code().equals("mqtt.dropped")).toList()); // counted below, with every drop
            Stay st = new Stay(java.time.Clock.systemUTC(), first, session.facts().containsKey("published"));
            java.time.Instant end = st.clock.instant().plus(r.stay());
            java.time.Instant minted = st.clock.instant();
            if (r.publishEvery() != null) {
                st.nextPublish = st.clock.instant().plus(r.publishEvery());
            }
            st.event("connected");
            while (st.clock.instant().isBefore(end)) {
                st.drain();
                java.time.Instant refreshAt = r.freshToken() == null ? end
                        : minted.plusMillis(Math.max(1000, r.tokenTtl().toMillis() * 8 / 10));
                java.time.Instant wake = refreshAt.isBefore(end) ? refreshAt : end;
                st.idle(wake, true);
                if (!st.clock.instant().isBefore(end) && st.current.lost() == null) {
                    break;
                }
                if (st.current.lost() == null && st.clock.instant().isBefore(wake)) {
                    continue; // a message fell due: send it
                }
                boolean dropped = st.current.lost() != null;
                if (dropped) {
                    st.drops++;
                    st.event("dropped (" + st.current.lost().getClass().getSimpleName() + ")");
                } else {
                    st.refreshes++;
                    st.event("token refresh: reconnecting with a fresh token before exp");
                }
                st.current.close();
                st.connected = false;
                int attempt = 0;
                while (st.clock.instant().isBefore(end)) {
                    if (dropped || attempt > 0) {
                        long backoff = Math.min(32_000, 1000L << Math.min(attempt, 5)) + jitter.nextInt(500);
                        st.event("waiting " + backoff + " ms before reconnecting (attempt " + (attempt + 1) + ")");
                        java.time.Instant until = st.clock.instant().plusMillis(backoff);
                        st.idle(until.isBefore(end) ? until : end, false);
                        if (!st.clock.instant().isBefore(end)) {
                            break;
                        }
                    }
                    String token = r.freshToken() != null ? r.freshToken().get() : r.token();
                    minted = st.clock.instant();
                    st.current = new PahoConnector();
                    PahoConnector.ConnectOutcome o = connect(st.current, token);
                    if (o.connected()) {
                        st.connections++;
                        st.connected = true;
                        st.event("connected again (" + (r.freshToken() != null ? "fresh token" : "same token") + ")");
                        if (r.subscribeTopic() != null) {
                            PahoConnector.SessionOutcome sub = st.current.session(null, "", r.subscribeTopic(),
                                    Duration.ZERO, r.timeout());
                            st.event(sub.findings().isEmpty() ? "subscribed again to " + r.subscribeTopic()
                                    : "subscribing again failed: " + sub.findings().get(0).code());
                        }
                        break;
                    }
                    st.failedAttempts++;
                    st.event("reconnect failed: " + o.failure().code());
                    st.current.close();
                    attempt++;
                }
            }
            st.drain();
            for (int i = 0; i < st.events.size(); i++) {
                facts.put("event " + (i + 1), st.events.get(i));
            }
            String summary = "stayed " + dev.iotjwt.time.Times.human(r.stay()) + ": " + plural(st.connections,
                    "connection") + ", " + plural(st.drops, "drop") + ", " + st.refreshes + " token refresh"
                    + (st.refreshes == 1 ? "" : "es") + ", " + plural(st.failedAttempts, "failed reconnect");
            if (r.publishEvery() != null) {
                summary += "; " + st.seq + " published, " + st.acknowledged + " acknowledged ("
                        + st.afterReconnect + " sent after reconnecting)";
                facts.put("messages", st.seq + " published (every " + dev.iotjwt.time.Times.human(r.publishEvery())
                        + ", QoS 1), " + st.acknowledged + " acknowledged, " + st.afterReconnect
                        + " kept while disconnected and sent after reconnecting");
            }
            facts.put("summary", summary);
            if (st.drops > 0) {
                findings.add(Finding.warning("mqtt.dropped", "the broker dropped the connection " + st.drops
                        + " time" + (st.drops == 1 ? "" : "s") + " while staying", "IoT Core drops a device whose token"
                        + " expired (exp + 10 min), that publishes QoS 2 or to a topic not its own, or idles 20 min"));
            }
            List<Integer> lost = new ArrayList<>(st.overflowed);
            st.outbox.forEach(m -> lost.add(m.seq()));
            if (!lost.isEmpty()) {
                facts.put("lost", lost.toString());
                findings.add(Finding.error("mqtt.messages-lost", plural(lost.size(), "QoS 1 message") + " never"
                        + " acknowledged by the broker: " + numbers(lost) + (st.overflowed.isEmpty() ? ""
                        : " (" + st.overflowed.size() + " pushed out of the " + Stay.OUTBOX + "-message outbox)")
                        + "; the session ended while " + (st.connected ? "they waited for PUBACK"
                        : "disconnected"), "a device must keep unacknowledged QoS 1 messages and send them again"
                        + " after reconnecting; stay longer or find why the broker was unreachable (see the events)"));
            }
            stayResult = new StepResult("session", StepResult.statusOf(findings), summary, facts, findings,
                    millis(start));
            return st.current;
        }

        /** The state of a stay: the connection in use, its outbox of QoS 1 messages and what happened. */
        private final class Stay {
            static final int OUTBOX = 1000;
            final java.time.Clock clock;
            final java.util.ArrayDeque<Outgoing> outbox = new java.util.ArrayDeque<>();
            final List<Integer> overflowed = new ArrayList<>();
            final List<String> events = new ArrayList<>();
            PahoConnector current;
            boolean connected = true;
            java.time.Instant nextPublish;
            int seq = r.publishTopic() == null ? 0 : 1; // the session step published (or tried) message 1
            int acknowledged;
            int afterReconnect;
            int connections = 1;
            int drops;
            int refreshes;
            int failedAttempts;

            Stay(java.time.Clock clock, PahoConnector first, boolean firstAcknowledged) {
                this.clock = clock;
                this.current = first;
                this.acknowledged = firstAcknowledged ? 1 : 0;
                if (r.publishTopic() != null && !firstAcknowledged) {
                    outbox.addLast(new Outgoing(1, true)); // dropped before its PUBACK: sent again
                }
            }

            /** Waits until {@code until}, queueing messages as they fall due; returns early on a drop or a due one. */
            void idle(java.time.Instant until, boolean returnWhenDue) {
                while (clock.instant().isBefore(until) && (!connected || current.lost() == null)) {
                    if (nextPublish != null && !clock.instant().isBefore(nextPublish)) {
                        queue();
                        if (returnWhenDue && connected) {
                            return;
                        }
                    }
                    sleep(Duration.ofMillis(20));
                }
            }

            private void queue() {
                seq++;
                nextPublish = nextPublish.plus(r.publishEvery());
                if (outbox.size() == OUTBOX) {
                    overflowed.add(outbox.removeFirst().seq());
                }
                outbox.addLast(new Outgoing(seq, !connected || current.lost() != null));
                if (!connected || current.lost() != null) {
                    event("message " + seq + " kept: not connected");
                }
            }

            /** Sends what the outbox holds, oldest first, while the connection holds. */
            void drain() {
                List<Integer> late = new ArrayList<>();
                while (connected && !outbox.isEmpty() && current.lost() == null) {
                    Outgoing m = outbox.peekFirst();
                    byte[] payload = r.payload().replace("{seq}", String.valueOf(m.seq()))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    if (!current.publish(r.publishTopic(), payload)) {
                        event("message " + m.seq() + " not acknowledged: kept to send again");
                        outbox.removeFirst();
                        outbox.addFirst(new Outgoing(m.seq(), true));
                        break;
                    }
                    outbox.removeFirst();
                    acknowledged++;
                    if (m.late()) {
                        afterReconnect++;
                        late.add(m.seq());
                    }
                }
                if (!late.isEmpty()) {
                    event("sent " + plural(late.size(), "kept message") + " (" + numbers(late) + "): PUBACK for each");
                }
            }

            void event(String what) {
                events.add(java.time.Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " "
                        + what);
            }
        }

        /** A QoS 1 message of a stay; late when it was due while disconnected or its first send failed. */
        private record Outgoing(int seq, boolean late) {
        }

        private static String plural(int n, String what) {
            return n + " " + what + (n == 1 ? "" : "s");
        }

        /** Message numbers, shortened to the first and last few when there are many. */
        private static String numbers(List<Integer> seqs) {
            if (seqs.size() <= 12) {
                return seqs.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
            }
            return seqs.subList(0, 5).stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                    + ", … , " + seqs.subList(seqs.size() - 5, seqs.size()).stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        private PahoConnector.ConnectOutcome connect(PahoConnector connector, String token) {
            return connector.connect(new TunnelSocketFactory(this::verifyingContext, connected, r.host(), r.tls(),
                    r.timeout()), connected, r.clientId(), r.username(), token, r.timeout());
        }

        private static void sleep(Duration d) {
            try {
                Thread.sleep(Math.max(0, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static StepResult fail(String id, long start, Map<String, String> facts, Finding f) {
            return new StepResult(id, Status.FAIL, f.message(), facts, List.of(f), millis(start));
        }

        private static long millis(long start) {
            return (System.nanoTime() - start) / 1_000_000;
        }

        /** A token shows only its header and claims; the signature is elided. */
        private static String elide(String token) {
            int dot = token.lastIndexOf('.');
            // a token from a file may hold NUL bytes or escape sequences: shown as \xNN, never sent to the terminal
            return dot > 0 ? dev.iotjwt.Messages.printable(token.substring(0, Math.min(dot, 40)))
                    + "….<signature elided>" : "<not a JWT>";
        }
    }
}
