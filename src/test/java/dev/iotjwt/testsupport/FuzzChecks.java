package dev.iotjwt.testsupport;

import dev.iotjwt.ToolException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The properties every fuzz target checks on what the tool says: a message is one line, and nothing it prints holds
 * private key material or a password. Failures are {@link AssertionError}s, which Jazzer reports as findings.
 */
public final class FuzzChecks {
    /** The length of the pieces of secrets looked for: shorter runs of base64 or hex occur by chance. */
    static final int WINDOW = 20;
    /** Passwords the fuzz targets hand to the tool: never to be shown. */
    public static final String WRONG_PASSWORD = "wrong-horse-battery";
    private static final String[] PRIVATE_FIXTURES = {"rsa2048_pkcs1.pem", "rsa2048_pkcs8.pem", "p256_sec1.pem",
        "p256_pkcs8.pem", "p256_high_sec1.pem",
        "p384_sec1.pem", "rsa1024_pkcs1.pem", "secp256k1_sec1.pem", "ed25519_pkcs8.pem"};
    private static final Pattern ESCAPE = Pattern.compile("\\\\x[0-9a-f]{2}");
    private static final Pattern PRIV_HEX = Pattern.compile("(?s)priv:\\s*(.*?)\\s*pub:");
    private static final Set<String> SECRET_WINDOWS = secretWindows();

    /** The input of the run being checked, as text: a password the fuzzer wrote into it may come back quoted. */
    private static final ThreadLocal<String> INPUT = ThreadLocal.withInitial(() -> "");

    private FuzzChecks() {
    }

    /** Tells the checks what this run fed the tool (call first in each fuzz test). */
    public static void input(byte[] data) {
        INPUT.set(new String(data, java.nio.charset.StandardCharsets.ISO_8859_1) + "\n"
                + new String(data, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** As {@link #input(byte[])}, for text. */
    public static void input(String text) {
        INPUT.set(text);
    }

    /** The message and hint of a tool exception: present, one line each, nothing secret in them. */
    public static void checkException(ToolException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            throw new AssertionError("a ToolException without a message", e);
        }
        checkText("the message", m, e);
        if (e.hint() != null) {
            checkText("the hint", e.hint(), e);
        }
    }

    /** One line, no secret. */
    public static void checkText(String what, String text, Throwable cause) {
        oneLine(what, text, cause);
        noSecret(what, text, cause);
    }

    public static void oneLine(String what, String text, Throwable cause) {
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new AssertionError(what + " has more than one line: " + text.replace("\n", "\\n")
                    .replace("\r", "\\r"), cause);
        }
    }

    /** No fixture private key (base64 or hex, 20 characters of it are enough) and no password given. */
    public static void noSecret(String what, String text, Throwable cause) {
        noSecret(what, text, "", cause);
    }

    /**
     * As {@link #noSecret(String, String, Throwable)}, except for what {@code echoed} holds: a token or client id
     * that a report may quote holds whatever its sender put in it (the fuzzer learns the secrets' pieces from these
     * very comparisons and plants them there).
     */
    public static void noSecret(String what, String text, String echoed, Throwable cause) {
        if (text == null) {
            return;
        }
        // a password counts as shown when the tool can only have had it from the password source: a file or token
        // that spells it out (the fuzzer learns it from the comparisons and plants it) is quoted as input
        String input = INPUT.get();
        if (text.contains(Fixtures.PASSWORD) && !echoed.contains(Fixtures.PASSWORD) && !input.contains(Fixtures.PASSWORD)
                || text.contains(WRONG_PASSWORD) && !echoed.contains(WRONG_PASSWORD)
                && !input.contains(WRONG_PASSWORD)) {
            throw new AssertionError(what + " shows a password: " + text, cause);
        }
        String lower = text.toLowerCase(Locale.ROOT);
        // the tool shows control characters as \xNN: the digits of such an escape next to 19 characters the
        // fuzzer planted (it learns pieces of the keys from the comparisons) are no key text the tool had
        boolean[] escape = new boolean[text.length()];
        Matcher esc = ESCAPE.matcher(text);
        while (esc.find()) {
            java.util.Arrays.fill(escape, esc.start(), esc.end(), true);
        }
        windows:
        for (int i = 0; i + WINDOW <= text.length(); i++) {
            for (int j = i; j < i + WINDOW; j++) {
                if (escape[j]) {
                    continue windows;
                }
            }
            String w = text.substring(i, i + WINDOW);
            if ((SECRET_WINDOWS.contains(w) || SECRET_WINDOWS.contains(lower.substring(i, i + WINDOW)))
                    && !echoed.contains(w)) {
                throw new AssertionError(what + " shows private key material ('" + text.substring(i, i + WINDOW)
                        + "'): " + text, cause);
            }
        }
    }

    /** A token as sent and each of its segments decoded: what a report about it may quote. */
    public static String tokenText(String token) {
        StringBuilder b = new StringBuilder(token).append('\n');
        for (String part : token.replaceAll("[\\s\\x00]", "").split("\\.")) {
            try {
                String url = part.replace('+', '-').replace('/', '_').replace("=", "");
                byte[] bytes = Base64.getUrlDecoder().decode(url);
                b.append(new String(bytes, StandardCharsets.UTF_8)).append('\n')
                        .append(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).append('\n');
            } catch (IllegalArgumentException e) {
                // not base64url: quoted as it is, if at all
            }
        }
        return b.toString();
    }

    /** Every 20-character piece of the fixtures' private keys: the PEM base64, the DER in hex, openssl's priv: hex. */
    private static Set<String> secretWindows() {
        Set<String> out = new HashSet<>();
        for (String name : PRIVATE_FIXTURES) {
            String pem = read(Fixtures.key(name));
            StringBuilder body = new StringBuilder();
            for (String line : pem.split("\\R")) {
                if (!line.startsWith("-----") && !line.isBlank()) {
                    body.append(line.strip());
                }
            }
            String b64 = body.toString();
            addWindows(out, b64);
            byte[] der = Base64.getDecoder().decode(b64);
            addWindows(out, HexFormat.of().formatHex(der));
            addWindows(out, HexFormat.ofDelimiter(":").formatHex(der));
            addWindows(out, Base64.getUrlEncoder().withoutPadding().encodeToString(der));
        }
        for (String name : List.of("p256_openssl_text.txt", "p256_high_openssl11_text.txt",
                "p256_high_priv_only.hex")) {
            String text = read(Fixtures.key(name)) + "\npub:";
            Matcher m = PRIV_HEX.matcher(text);
            String hex = m.find() ? m.group(1) : text;
            String colons = hex.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
            addWindows(out, colons);
            addWindows(out, colons.replace(":", ""));
        }
        return Set.copyOf(out);
    }

    private static void addWindows(Set<String> out, String s) {
        for (int i = 0; i + WINDOW <= s.length(); i++) {
            out.add(s.substring(i, i + WINDOW));
        }
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
