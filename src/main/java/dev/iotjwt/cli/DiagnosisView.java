package dev.iotjwt.cli;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.StepResult;

import java.io.PrintWriter;
import java.util.Map;

/** The text view of a {@link Diagnosis}: a line per step with ✔ ✖ ! or –, its facts indented, then cause and fix. */
final class DiagnosisView {
    private final PrintWriter out;

    DiagnosisView(PrintWriter out) {
        this.out = out;
    }

    void render(Diagnosis d) {
        out.println("connect " + d.target().host() + ":" + d.target().port()
                + (d.target().profile() == null ? "" : " (profile " + d.target().profile() + ")"));
        for (StepResult s : d.steps()) {
            String mark = switch (s.status()) {
                case PASS -> "✔";
                case WARN -> "!";
                case FAIL -> "✖";
                case SKIPPED -> "–";
            };
            out.printf("%s %-8s %s%s%n", mark, s.id(), s.summary(), s.millis() > 0 ? " (" + s.millis() + " ms)" : "");
            for (Map.Entry<String, String> f : s.facts().entrySet()) {
                out.println("    " + f.getKey() + ": " + f.getValue());
            }
            for (Finding f : s.findings()) {
                if (s.status() != dev.iotjwt.diagnose.Status.FAIL || f != d.cause()) {
                    out.println("    " + (f.isError() ? "✖" : f.severity() == dev.iotjwt.diagnose.Severity.WARNING
                            ? "!" : "i") + " " + f.code() + ": " + f.message());
                }
            }
        }
        out.println();
        if (d.ok()) {
            out.println("OK: connected; every step passed");
        } else if (d.cause() != null) {
            out.println("cause: " + d.cause().code() + ": " + d.cause().message());
            if (d.cause().hint() != null) {
                out.println("fix:   " + d.cause().hint());
            }
        }
    }
}
