package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.tls.TlsFailures;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tls step: one handshake with the device's settings (SNI, versions, suites). When version and suite are not
 * agreed, {@link TlsFollowUps} re-probe with one thing changed at a time to name the difference that matters. Hands
 * over the handshake, whose chain the trust step judges.
 */
final class TlsStep implements Step<Reached, Handshake> {
    private final Context ctx;

    TlsStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<Handshake> run(Reached reached) {
        ConnectRequest r = ctx.request();
        TlsSettings tls = r.tls();
        long start = ctx.time().nanoTime();
        TlsProbe.Result probe = ctx.network().handshake(ctx.roots(), reached.address(), r.host(), tls, r.timeout(),
                true);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("SNI", tls.sni() == null ? "none sent" : tls.sni());
        if (!tls.protocols().isEmpty()) {
            facts.put("offered versions", String.join(", ", tls.protocols()));
        }
        if (!tls.ciphers().isEmpty()) {
            facts.put("offered suites", String.join(", ", tls.ciphers()));
        }
        if (works(probe)) {
            facts.put("version", String.valueOf(probe.protocol()));
            facts.put("suite", String.valueOf(probe.cipherSuite()));
            return new Outcome<>(new StepResult("tls", Status.PASS, probe.protocol() + " " + probe.cipherSuite()
                    + ", SNI " + facts.get("SNI"), facts, List.of(), ctx.millisSince(start)),
                    new Handshake(reached.address(), probe));
        }
        Finding f = TlsFailures.classify(probe.error(), r.timeout().toMillis());
        Finding refined = new TlsFollowUps(ctx, reached.address()).refine(facts, f, ctx.deadline(start));
        List<Finding> findings = new ArrayList<>();
        findings.add(refined);
        if (refined != f) {
            findings.add(f);
        }
        return Outcome.failed(new StepResult("tls", Status.FAIL, refined.message(), facts, findings,
                ctx.millisSince(start)));
    }

    /**
     * Whether a probe shows that the version and suite work: the handshake completed, or the server's certificate
     * arrived and the connection was not lost afterwards (a refused chain is the trust step's business; a reset
     * after the certificate is not).
     */
    static boolean works(TlsProbe.Result p) {
        return p.handshake() || p.reachedCert() && (p.refusal() != null || !TlsFailures.connectionLost(p.error()));
    }
}
