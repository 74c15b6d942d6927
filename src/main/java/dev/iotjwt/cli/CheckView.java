package dev.iotjwt.cli;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.jwt.CheckReport;
import dev.iotjwt.jwt.CheckReport.ClaimTime;

import java.io.PrintWriter;

/** The text view of a {@link CheckReport}. */
final class CheckView {
    private final PrintWriter out;

    CheckView(PrintWriter out) {
        this.out = out;
    }

    void render(CheckReport r, boolean strict) {
        out.println("Header     " + (r.header() == null ? "(does not decode)" : escaped(r.header().toString())));
        out.println("Claims     " + (r.claims() == null ? "(do not decode)" : escaped(r.claims().toString())));
        if (r.times() != null) {
            time("iat", r.times().iat());
            time("exp", r.times().exp());
            if (r.times().lifetime() != null) {
                out.println("  lifetime " + r.times().lifetime());
            }
        }
        CheckReport.SignatureFacts s = r.signature();
        if (s != null) {
            String state;
            if (s.verified()) {
                state = "verifies with " + s.verifiedWith() + " (SHA-256 " + s.fingerprint() + ")";
            } else if ("DER".equals(s.encoding())) {
                state = "DER-encoded, so no JWS verifier accepts it as sent";
            } else if (s.tried().isEmpty()) {
                state = "not checked (no key given)";
            } else {
                state = "does not verify with the " + s.tried().size() + " key" + (s.tried().size() == 1 ? "" : "s")
                        + " given";
            }
            out.println("Signature  " + (s.alg() == null ? "?" : s.alg()) + ", " + s.bytes() + " bytes"
                    + ("raw".equals(s.encoding()) ? "" : " (" + s.encoding() + ")") + ", " + state);
        }
        out.println();
        if (r.findings().isEmpty()) {
            out.println("✔ no findings: the token follows IoT Core's rules");
        } else {
            out.println("Findings");
            for (Finding f : r.findings()) {
                out.println("  " + mark(f) + " " + f.severity().text() + " " + f.code() + ": " + f.message());
                if (f.hint() != null) {
                    out.println("      fix: " + f.hint());
                }
            }
        }
        if (r.expected() != null) {
            out.println();
            out.println("Correct token for the same header and claims:");
            out.println("  " + r.expected().token());
            out.println("  " + (r.expected().firstDifference() == null ? "" : "first difference in the "
                    + r.expected().firstDifference() + " segment: ") + r.expected().detail());
        }
        if (r.expectedWithheld() != null) {
            out.println();
            out.println(r.expectedWithheld());
        }
        out.println();
        out.println("Verdict");
        for (CheckReport.Verdict v : r.verdicts()) {
            String judge = v.judge().equals("google") ? "Google IoT Core (lenient)           "
                    : "strict successors (ClearBlade, …)   ";
            out.println("  " + judge + (v.accepted() ? "✔ accepts" : "✖ refuses: " + String.join(", ",
                    v.refusedFor())));
        }
        out.println();
        out.println(r.ok() ? "OK: no errors" + (strict ? " under strict rules" : "")
                : "FAIL: " + r.findings().stream().filter(Finding::isError).count() + " error"
                + (r.findings().stream().filter(Finding::isError).count() == 1 ? "" : "s"));
    }

    /**
     * JSON text with DEL and the C1 controls (U+007F–U+009F) written as JSON escapes (backslash, u, four hex
     * digits), as Gson writes the C0 ones: a terminal acts on them (U+009B is CSI) when they are printed raw.
     */
    static String escaped(String json) {
        StringBuilder sb = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x7f && c < 0xa0) {
                if (sb == null) {
                    sb = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? json : sb.toString();
    }

    private void time(String name, ClaimTime t) {
        if (t != null) {
            out.println("  " + name + "      " + t.epoch() + " = " + t.utc() + " (" + t.relative() + ")");
        }
    }

    private static String mark(Finding f) {
        return switch (f.severity()) {
            case ERROR -> "✖";
            case WARNING -> "!";
            case INFO -> "i";
        };
    }
}
