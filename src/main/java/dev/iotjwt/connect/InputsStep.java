package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Severity;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.jwt.CheckReport;
import dev.iotjwt.jwt.CheckRequest;
import dev.iotjwt.jwt.JwtChecker;
import dev.iotjwt.mqtt.ClientIds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs step: the token (every finding {@code check} gives), the client id and the CA file, before anything is
 * sent. Only an unusable CA file fails it; token and client id problems are reported and the connection is tried
 * anyway, to see the broker's answer. Hands over the host to resolve.
 */
final class InputsStep implements Step<ConnectRequest, String> {
    private final Context ctx;

    InputsStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<String> run(ConnectRequest r) {
        long start = ctx.time().nanoTime();
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
                || f.severity() == Severity.WARNING) ? Status.WARN : Status.PASS;
        String summary = caFatal ? "the CA file cannot be used" : status == Status.PASS ? "token, client id and CA"
                + " look right" : "found problems; connecting anyway to see the broker's answer";
        StepResult result = new StepResult("inputs", status, summary, facts, findings, ctx.millisSince(start));
        return caFatal ? Outcome.failed(result) : new Outcome<>(result, r.host());
    }

    /** A token shows only its header and claims; the signature is elided. */
    static String elide(String token) {
        int dot = token.lastIndexOf('.');
        // a token from a file may hold NUL bytes or escape sequences: shown as \xNN, never sent to the terminal
        return dot > 0 ? dev.iotjwt.Messages.printable(token.substring(0, Math.min(dot, 40)))
                + "….<signature elided>" : "<not a JWT>";
    }
}
