package dev.iotjwt.cli;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.material.CertInspector;

import java.io.PrintWriter;

/** The text view of {@code cert inspect}: the source, the chain's verdict for a server, then every certificate. */
final class CertReportView {
    private CertReportView() {
    }

    static void render(CertInspector.CertReport r, PrintWriter out) {
        if (r.failed()) {
            out.println(r.source() + ": no certificate arrived");
        } else {
            out.println(r.source() + ": " + r.certificates().size() + (r.certificates().size() == 1
                    ? " certificate" : " certificates") + ", " + r.totalBytes() + " bytes of DER" + (r.server()
                    ? " presented" + (r.protocol() == null ? "" : " over " + r.protocol()) : ""));
        }
        if (r.server()) {
            out.println("  SNI        " + (r.sni() != null ? r.sni() : "none sent"));
            if (!r.failed()) {
                out.println(Boolean.TRUE.equals(r.trusted()) ? "  chain verifies against the roots"
                        : "  chain does not verify:");
            }
            for (Finding f : r.findings()) {
                out.println("  " + (f.isError() ? "✖ " : "! ") + f.code() + ": " + f.message());
                if (f.hint() != null) {
                    out.println("    fix: " + f.hint());
                }
            }
        }
        for (CertInspector.CertFacts c : r.certificates()) {
            out.println();
            out.println("[" + c.index() + "] " + c.subject());
            out.println("    issuer     " + c.issuer() + (c.selfSigned() ? " (self-signed)" : ""));
            out.println("    serial     " + c.serial());
            out.println("    valid      " + c.notBefore() + " to " + c.notAfter() + ": " + c.validity()
                    + (c.validity().equals("valid") ? ", " + c.daysLeft() + " days left" : ""));
            out.println("    key        " + c.key() + ", signed " + c.signatureAlgorithm());
            if (!c.sans().isEmpty()) {
                out.println("    names      " + String.join(", ", c.sans()));
            }
            out.println("    CA         " + (c.ca() ? "yes" : "no"));
            out.println("    SHA-256    " + c.fingerprint());
            out.println("    size       " + c.derBytes() + " bytes (DER)");
            for (Finding f : c.warnings()) {
                out.println("    " + (f.isError() ? "✖ " : "! ") + f.code() + ": " + f.message());
                if (f.hint() != null) {
                    out.println("      fix: " + f.hint());
                }
            }
        }
    }
}
