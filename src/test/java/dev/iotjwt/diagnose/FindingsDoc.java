package dev.iotjwt.diagnose;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Renders {@code docs/findings.md} from {@link FindingCode}, the one catalogue of finding codes. */
final class FindingsDoc {
    static final Path FILE = Path.of("docs", "findings.md");
    static final String REGENERATE = "./mvnw -q -B test-compile surefire:test@default-test -Dtest=FindingCodeTest"
            + " -Dfindings.write=true -Dfuzz.skip=true";

    private FindingsDoc() {
    }

    static String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Finding codes\n\n");
        md.append("[README](../README.md) · [mint](mint.md) · [check](check.md) · [connect](connect.md) · [key](key.md)"
                + " · [cert](cert.md) · [device](device.md) · [broker](broker.md) · [demo](demo.md)"
                + " · [bench](bench.md) ·"
                + " [reference](reference.md) · [findings](findings.md)\n\n");
        md.append("<!-- generated from src/main/java/dev/iotjwt/diagnose/FindingCode.java; do not edit by hand."
                + " Regenerate: ").append(REGENERATE).append(" -->\n\n");
        md.append("Every finding iotjwt reports carries a stable code: scripts and CI match on it (`check --format"
                + " json`, `connect --expect CODE`, the bridge's `--log-format json`). A code keeps its meaning once"
                + " released; a new code is added when a new cause is diagnosed. The text view and the JSON records"
                + " add a message that names what the finding concerns (the claim, certificate, flag or device) and,"
                + " where a fix is known, a hint.\n\n");
        md.append("The severity is the one a code usually carries (`check` exits with 1 when any finding is an"
                + " `error`); where a code is also emitted at another severity, its meaning says when.\n\n");
        md.append(FindingCode.values().length).append(" codes:");
        for (FindingCode.Area area : FindingCode.Area.values()) {
            md.append(" [").append(area.title()).append("](#").append(anchor(area.title())).append(")");
        }
        md.append(".\n");
        for (FindingCode.Area area : FindingCode.Area.values()) {
            md.append("\n## ").append(area.title()).append("\n\n");
            md.append("Emitted by ").append(area.where()).append("\n\n");
            md.append("| code | severity | meaning | fix |\n|---|---|---|---|\n");
            for (FindingCode c : FindingCode.values()) {
                if (c.area() == area) {
                    md.append("| `").append(c.code()).append("` | ").append(c.severity().text()).append(" | ")
                            .append(cell(c.meaning())).append(" | ")
                            .append(c.fix() == null ? "— (the message names the cause)" : cell(c.fix()))
                            .append(" |\n");
                }
            }
        }
        return md.toString();
    }

    private static String cell(String text) {
        String t = text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
        return Character.toUpperCase(t.charAt(0)) + t.substring(1) + (t.endsWith(".") ? "" : ".");
    }

    private static String anchor(String title) {
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }

    /** Writes the document; the test does the same with {@code -Dfindings.write=true}. */
    public static void main(String[] args) throws IOException {
        Files.writeString(FILE, markdown(), StandardCharsets.UTF_8);
    }
}
