package dev.iotjwt.keys;

import dev.iotjwt.InputException;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Finds PEM blocks in text that may have other text around them, CRLF line ends or a byte-order mark. */
public final class Pem {
    /** What PEM labels look like (RFC 7468): CERTIFICATE, RSA PRIVATE KEY, X509 CRL, … */
    private static final Pattern LABEL = Pattern.compile("[A-Z0-9][A-Z0-9 ._#/()-]{0,39}");

    private Pem() {
    }

    /** One {@code -----BEGIN label-----} block: its RFC 1421 headers and the decoded bytes. */
    public record Block(String label, Map<String, String> headers, byte[] der, int line) {
        public boolean legacyEncrypted() {
            String procType = headers.get("Proc-Type");
            return procType != null && procType.replace(" ", "").equalsIgnoreCase("4,ENCRYPTED");
        }
    }

    public static boolean looksLikePem(String text) {
        return text.contains("-----BEGIN ");
    }

    public static List<Block> parse(String text, String source) throws InputException {
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("-----BEGIN ") || !line.endsWith("-----") || line.length() < 16) {
                continue;
            }
            String raw = line.substring(11, line.length() - 5).strip();
            if (raw.contains("-----")) {
                throw new InputException(source + ": line " + (i + 1) + " holds a whole PEM block ('-----BEGIN "
                        + shown(raw.substring(0, raw.indexOf("-----")).strip()) + "-----' and more) on one line:"
                        + " its line breaks are lost", "restore them: the BEGIN line, the base64 in lines of 64"
                        + " characters, the END line");
            }
            if (raw.length() > 64 || !raw.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                throw new InputException(source + ": line " + (i + 1) + " starts a PEM block but its label is not one"
                        + " (" + (raw.length() > 64 ? raw.length() + " characters" : "not printable ASCII")
                        + "); the file is damaged", "copy the whole block, from the BEGIN line to the END line");
            }
            String label = shown(raw);
            int begin = i + 1;
            Map<String, String> headers = new LinkedHashMap<>();
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            boolean inHeaders = true;
            boolean ended = false;
            for (; j < lines.length; j++) {
                String l = lines[j].strip();
                if (l.startsWith("-----END ")) {
                    String endLabel = l.endsWith("-----") ? l.substring(9, l.length() - 5).strip() : l.substring(9);
                    if (!endLabel.equals(raw)) {
                        throw new InputException(source + ": the PEM block '" + label + "' starting on line " + begin
                                + " ends with '-----END " + shown(endLabel) + "-----'; the file is damaged");
                    }
                    ended = true;
                    break;
                }
                if (l.startsWith("-----BEGIN ")) {
                    break;
                }
                if (inHeaders && l.contains(":")) {
                    int colon = l.indexOf(':');
                    headers.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
                    continue;
                }
                inHeaders = false;
                body.append(l);
            }
            if (!ended) {
                throw new InputException(source + ": the PEM block '" + label + "' starting on line " + begin
                        + " has no -----END " + label + "----- line; the file is truncated",
                        "copy the whole block, from the BEGIN line to the END line");
            }
            blocks.add(new Block(label, headers, decode(body.toString(), label, begin, source), begin));
            i = j;
        }
        if (blocks.isEmpty()) {
            throw new InputException(source + ": has a '-----BEGIN' marker but no complete PEM block");
        }
        return blocks;
    }

    /**
     * A label as blocks keep it and messages show it: a real one as it is; other text (key bytes on a line whose
     * line breaks were lost, say) cut short, so that no message repeats it.
     */
    static String shown(String label) {
        return LABEL.matcher(label).matches() ? label
                : dev.iotjwt.Messages.printable(label.substring(0, Math.min(12, label.length()))) + "…";
    }

    private static byte[] decode(String base64, String label, int line, String source) throws InputException {
        String b = base64.replaceAll("\\s", "");
        if (b.isEmpty()) {
            throw new InputException(source + ": the PEM block '" + label + "' on line " + line + " is empty");
        }
        for (int k = 0; k < b.length(); k++) {
            char c = b.charAt(k);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=';
            if (!ok) {
                throw new InputException(source + ": the PEM block '" + label + "' on line " + line
                        + " has a character that is not base64 (" + describe(c) + "); the file is corrupt");
            }
        }
        if (b.length() % 4 != 0) {
            throw new InputException(source + ": the base64 in the PEM block '" + label + "' on line " + line
                    + " is truncated (" + b.length() + " characters, not a multiple of 4)",
                    "copy the whole block, from the BEGIN line to the END line");
        }
        try {
            return Base64.getDecoder().decode(b);
        } catch (IllegalArgumentException e) {
            throw new InputException(source + ": the base64 in the PEM block '" + label + "' on line " + line
                    + " is corrupt (" + e.getMessage() + ")");
        }
    }

    private static String describe(char c) {
        if (c < 0x20 || c == 0x7f) {
            return String.format("control character 0x%02x", (int) c);
        }
        if (c == '-' || c == '_') {
            return "'" + c + "', from the base64url alphabet";
        }
        return "'" + c + "'";
    }

    public static String encode(String label, byte[] der) {
        StringBuilder sb = new StringBuilder("-----BEGIN ").append(label).append("-----\n");
        String b64 = Base64.getEncoder().encodeToString(der);
        for (int i = 0; i < b64.length(); i += 64) {
            sb.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return sb.append("-----END ").append(label).append("-----\n").toString();
    }
}
