package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.Session;
import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.diagnose.Target;
import dev.iotjwt.time.Times;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device's side of one connection attempt, from TCP accept to close, in the records {@code connect} uses: steps
 * tcp, tls, mqtt and session, and the finding that explains a refusal or a drop. Filled in on the connection's event
 * loop; made into a {@link Diagnosis} once, at the close.
 */
final class ConnectionReport {
    private final Instant start;
    private final long startNanos = System.nanoTime();
    private InetSocketAddress remote;
    private InetSocketAddress local;
    private java.util.function.Supplier<StepResult> tlsStep;
    private StepResult tls;
    private String sni;
    private String device;
    // made at the first fact or finding: most held connections never have one, and every object a held connection
    // keeps is copied by the young collection that finds it (docs/performance.md)
    private Map<String, Map<String, String>> facts = Map.of();
    private Map<String, List<Finding>> findings = Map.of();
    private long mqttStartNanos;
    private int telemetry;
    private long telemetryBytes;
    private int states;
    private int drained;
    private String ended;

    ConnectionReport(Instant start) {
        this.start = start;
    }

    void accepted(InetSocketAddress remote, InetSocketAddress local) {
        this.remote = remote;
        this.local = local;
    }

    void tls(java.util.function.Supplier<StepResult> step, String sni) {
        this.tlsStep = step;
        this.sni = sni;
        this.mqttStartNanos = System.nanoTime();
    }

    void device(String id) {
        this.device = id;
    }

    void fact(String step, String key, String value) {
        if (facts.isEmpty()) {
            facts = new LinkedHashMap<>();
        }
        facts.computeIfAbsent(step, s -> new LinkedHashMap<>()).merge(key, value, (a, b) -> a + "; " + b);
    }

    void finding(String step, Finding f) {
        if (findings.isEmpty()) {
            findings = new LinkedHashMap<>();
        }
        findings.computeIfAbsent(step, s -> new ArrayList<>()).add(f);
    }

    void published(boolean state, int bytes) {
        if (state) {
            states++;
        } else {
            telemetry++;
            telemetryBytes += bytes;
        }
    }

    void drained() {
        drained++;
    }

    void ended(String how) {
        if (ended == null) {
            ended = how;
        }
    }

    /** The report, at the close. */
    Diagnosis diagnosis(Session session) {
        tls = tlsStep == null ? null : tlsStep.get();
        List<StepResult> steps = new ArrayList<>();
        long total = (System.nanoTime() - startNanos) / 1_000_000;
        Map<String, String> tcp = new LinkedHashMap<>();
        String from = remote == null ? "-" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
        tcp.put("from", from);
        tcp.put("to", local == null ? "-" : local.getAddress().getHostAddress() + ":" + local.getPort());
        tcp.put("accepted", Times.iso(start));
        steps.add(step("tcp", "accepted from " + from, tcp, "tcp", 0));
        if (tls == null) {
            steps.add(StepResult.skipped("tls", "the connection closed before its TLS handshake was judged"));
        } else {
            List<Finding> all = new ArrayList<>(tls.findings());
            all.addAll(findings.getOrDefault("tls", List.of()));
            steps.add(all.size() == tls.findings().size() ? tls : new StepResult("tls", StepResult.statusOf(all),
                    tls.summary(), tls.facts(), all, tls.millis()));
        }
        boolean tlsOk = tls != null && tls.status() != Status.FAIL && !findings.containsKey("tls");
        boolean connectSeen = facts.containsKey("mqtt") || findings.containsKey("mqtt");
        long mqttMillis = mqttStartNanos == 0 ? 0 : (System.nanoTime() - mqttStartNanos) / 1_000_000;
        if (!tlsOk) {
            steps.add(StepResult.skipped("mqtt", "the tls step failed"));
            steps.add(StepResult.skipped("session", "the tls step failed"));
        } else if (!connectSeen) {
            steps.add(StepResult.skipped("mqtt", ended != null ? ended : "no CONNECT arrived"));
            steps.add(StepResult.skipped("session", "no CONNECT arrived"));
        } else {
            Map<String, String> m = facts.getOrDefault("mqtt", Map.of());
            List<Finding> f = findings.getOrDefault("mqtt", List.of());
            String summary = device != null ? "CONNACK 0: device " + device + " connected"
                    : f.isEmpty() ? "CONNECT judged" : "refused: " + f.get(0).code();
            steps.add(new StepResult("mqtt", device != null ? Status.PASS : StepResult.statusOf(f), summary,
                    new LinkedHashMap<>(m), List.copyOf(f), mqttMillis));
            if (device == null) {
                steps.add(StepResult.skipped("session", "the mqtt step failed"));
            } else {
                Map<String, String> s = new LinkedHashMap<>(facts.getOrDefault("session", Map.of()));
                s.put("telemetry", telemetry + " message(s), " + telemetryBytes + " bytes");
                s.put("state", states + " message(s)");
                if (drained > 0) {
                    s.put("discarded", drained + " read(s) after the close began");
                }
                s.put("lasted", Times.human(Duration.ofMillis(total)));
                List<Finding> sf = findings.getOrDefault("session", List.of());
                String how = ended != null ? ended : sf.isEmpty() ? "closed" : sf.get(sf.size() - 1).message();
                s.put("ended", how);
                steps.add(new StepResult("session", StepResult.statusOf(sf.stream().filter(Finding::isError)
                        .toList()) == Status.FAIL ? Status.FAIL : sf.isEmpty() ? Status.PASS : Status.WARN,
                        "connected " + Times.human(Duration.ofMillis(total)) + "; " + how, s, List.copyOf(sf),
                        total));
            }
        }
        Finding cause = null;
        for (StepResult st : steps) {
            for (Finding f : st.findings()) {
                if (f.isError() && cause == null) {
                    cause = f;
                }
            }
        }
        String clientId = session.clientId();
        Target target = new Target("device", remote == null ? "-" : remote.getAddress().getHostAddress(),
                remote == null ? 0 : remote.getPort(), sni, clientId == null ? null
                : dev.iotjwt.mqtt.ClientIds.quote(clientId));
        return new Diagnosis(cause == null && device != null, target, List.copyOf(steps), cause);
    }

    private StepResult step(String id, String summary, Map<String, String> f, String key, long millis) {
        List<Finding> list = findings.getOrDefault(key, List.of());
        return new StepResult(id, StepResult.statusOf(list), summary, f, List.copyOf(list), millis);
    }
}
