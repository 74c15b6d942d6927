package dev.iotjwt.cli;

import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.material.KeyFacts;

import java.io.PrintWriter;

/** The text view of {@code key inspect}: per item of the file, what it is and whether IoT Core takes it. */
final class KeyFactsView {
    private KeyFactsView() {
    }

    static void render(KeyInspectCommand.Report r, PrintWriter out) {
        for (KeyFacts f : r.items()) {
            render(out, f);
        }
    }

    private static void render(PrintWriter out, KeyFacts f) {
        out.println(f.source() + ": " + f.type() + " " + f.kind() + (f.subject() == null ? ""
                : " '" + f.subject() + "'"));
        out.println("  container   " + (f.encrypted() ? "encrypted " : "") + f.container() + ", " + f.encoding());
        if (f.fingerprint() != null) {
            out.println("  public key  SHA-256 " + f.fingerprint());
        }
        out.println("  JWT         " + (f.jwtAlg() == null ? f.encrypted() && f.fingerprint() == null
                ? "unknown until decrypted" : "none" : f.jwtAlg() + (f.jwtAlg().equals("RS256")
                || f.jwtAlg().equals("ES256") ? "" : f.jwtAlg().startsWith("ES") && !f.jwtAlg().equals("ES256K")
                ? " (IoT Core accepts only ES256)" : " (IoT Core accepts only RS256 and ES256)")));
        out.println("  IoT Core    " + f.verdict());
        if (f.registerAs() != null) {
            out.println("  register    as " + f.registerAs() + (KeyMaterial.Kind.CERTIFICATE.text().equals(f.kind())
                    ? " (the certificate), or its public key as " + f.registerAs().replace("_X509", "")
                    : " (its public key: iotjwt key public " + f.source() + ")"));
        }
        if (f.note() != null) {
            out.println("  note        " + f.note());
        }
    }
}
