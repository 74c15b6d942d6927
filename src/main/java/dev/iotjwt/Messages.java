package dev.iotjwt;

import java.util.regex.Pattern;

/** Turns what libraries say (exception messages, user-supplied text) into parts of a one-line message. */
public final class Messages {
    /** A Java class name in front of a message: {@code java.io.IOException: } and the like. */
    private static final Pattern CLASS_PREFIX = Pattern.compile(
            "\\b(?:[a-z][a-z0-9_]*\\.)+(?:[A-Z][A-Za-z0-9_]*\\$)*[A-Z][A-Za-z0-9_]*(?:Exception|Error)(?::\\s*|\\b)");

    private Messages() {
    }

    /**
     * The message of {@code t} (or of its first cause that has one) as one line, without the Java class names
     * libraries put in front of wrapped messages, without library hints such as Gson's troubleshooting links.
     */
    public static String cause(Throwable t) {
        String m = null;
        for (Throwable c = t; c != null && (m == null || m.isBlank()); c = c.getCause()) {
            m = c.getMessage();
        }
        if (m == null || m.isBlank()) {
            return "unknown reason";
        }
        String line = m.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("See https://"))
                .findFirst().orElse("");
        if (line.length() > 300) {
            // before the regex, which recurses per dotted part (a JSON path of 5,000 levels overflowed the stack)
            line = line.substring(0, 300) + "…";
        }
        line = CLASS_PREFIX.matcher(line).replaceAll("").strip();
        line = line.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
                "malformed JSON");
        if (line.startsWith(",")) {
            line = line.substring(1).strip();
        }
        return abbreviate(line.isEmpty() ? "unknown reason" : line, 200);
    }

    /**
     * Text from an input (an id, a value, a label) fit to quote in a message: control characters shown as
     * {@code \xNN}, at most {@code max} characters with the length said when cut.
     */
    public static String quote(String s, int max) {
        if (s.length() > max) {
            return printable(s.substring(0, max)) + "… (" + s.length() + " characters)";
        }
        return printable(s);
    }

    /** The phrase with "a" or "an" in front, as it is spoken ("an RSA 2048 key", "a legacy …"). */
    public static String article(String phrase) {
        String p = phrase.toLowerCase();
        boolean vowel = "aeiou".indexOf(p.charAt(0)) >= 0
                || p.matches("^(x\\.509|x25519|x448|rsa|ec |ec$|sec1|ed|sm2|spki|der|hsm).*");
        return (vowel ? "an " : "a ") + phrase;
    }

    /**
     * As {@link #quote(String, int)}, and a JWT inside the text shows its header and claims only: a client that
     * pasted its token into a client id or topic does not get it repeated into a log.
     */
    public static String quoteElidingTokens(String s, int max) {
        String head = s.length() > max ? s.substring(0, max) : s;
        String shown = printable(elideTokens(head));
        return s.length() > max ? shown + "… (" + s.length() + " characters)" : shown;
    }

    /**
     * Every JWT-shaped run in {@code s} with its signature replaced by {@code <signature elided>}: three base64url (or
     * base64) segments of which the first decodes to a JSON object however it begins ({@code ey…}, or {@code IHsi…}
     * for a header with a leading space) that starts with a member, or whose segments are as long as a signed
     * token's.
     */
    public static String elideTokens(String s) {
        int dot = s.indexOf('.');
        if (dot < 0 || s.indexOf('.', dot + 1) < 0) {
            return s; // a JWS has two dots: most text (a client id, a topic) has not, and skips the scan
        }
        return TOKEN.matcher(s).replaceAll(m -> jwtShaped(m.group(2), m.group(3), m.group(4))
                ? java.util.regex.Matcher.quoteReplacement(m.group(1) + ".<signature elided>")
                : java.util.regex.Matcher.quoteReplacement(m.group()));
    }

    /** Whether three dot-separated segments look like a JWS (see {@link #elideTokens(String)}). */
    public static boolean jwtShaped(String header, String claims, String signature) {
        if (signature.length() < 8) {
            return false;
        }
        if (header.startsWith("ey") || decodesToObject(header)) {
            return true;
        }
        // a header that does not decode (cut, re-encoded) still shows a signed token's shape: the shortest ES256
        // signature is 86 characters, a header and claims at least 16 each
        return header.length() >= 16 && claims.length() >= 16 && signature.length() >= 64;
    }

    private static boolean decodesToObject(String segment) {
        String core = segment.replace('+', '-').replace('/', '_');
        int end = core.length();
        while (end > 0 && core.charAt(end - 1) == '=') {
            end--;
        }
        core = core.substring(0, Math.min(end, 64) - Math.min(end, 64) % 4);
        if (core.isEmpty() || core.indexOf('=') >= 0) {
            return false;
        }
        try {
            String text = new String(java.util.Base64.getUrlDecoder().decode(core),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            // an object with a member, {"…, after any whitespace: a word such as "example0" decodes to '{' alone
            return text.strip().matches("(?s)\\{\\s*\".*");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Three base64url (or base64) segments joined by '.', the header at least 8 characters. */
    private static final Pattern TOKEN = Pattern.compile(
            "(([A-Za-z0-9_=+/-]{8,})\\.([A-Za-z0-9_=+/-]*))\\.([A-Za-z0-9_=+/-]*)");

    /** Control characters (NUL, ESC, BEL, line breaks, DEL...) shown as {@code \xNN}. */
    public static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append(String.format("\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    private static String abbreviate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "… (" + s.length() + " characters)";
    }
}
