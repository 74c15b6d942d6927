package dev.iotjwt.keys;

import dev.iotjwt.keys.KeyMaterial.Encoding;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text forms firmware people hold key bytes in, besides PEM: a C array ({@code {0x30, 0x82, …}} or decimal), a
 * C string of {@code \x30\x82…}, a hex dump ({@code xxd}, {@code xxd -p}, {@code hexdump -C}, colon-separated hex),
 * and the private scalar as {@code openssl ec -noout -text} prints it ({@code priv:} then {@code 00:e3:…}).
 */
final class KeyText {
    /** Bytes that no key or certificate is shorter than; fewer are not taken as a key. */
    private static final int MIN_BYTES = 24;
    private static final Pattern XXD_LINE = Pattern.compile("^[0-9a-fA-F]{6,8}:\\s+(.*)$");
    private static final Pattern HEXDUMP_C_LINE = Pattern.compile("^[0-9a-fA-F]{6,8}\\s+(.*?)\\s*(\\|.*\\|)?$");
    private static final Pattern C_HEX = Pattern.compile("0[xX]([0-9a-fA-F]{1,2})[uU]?");
    /**
     * One byte of a pasted fragment of a C array without its braces: 0x30, 0x77, … The fragment is matched a byte at
     * a time: a repeated group in one regex recurses per repetition and overflowed the stack on long input.
     */
    private static final Pattern BARE_C_BYTE = Pattern.compile("0[xX][0-9a-fA-F]{1,2}[uU]?\\s*+,?\\s*+");
    private static final Pattern C_STRING_HEX = Pattern.compile("\\\\x([0-9a-fA-F]{2})");

    private KeyText() {
    }

    /**
     * What the text held.
     *
     * @param encoding    which text form it was
     * @param bytes       the DER bytes, or for {@code ecScalar} the private scalar (32 bytes for P-256)
     * @param ecScalar    whether the bytes are a raw EC private scalar rather than DER
     * @param publicPoint the public point openssl printed after {@code pub:}, or null
     * @param curve       the curve openssl named (ASN1 OID or NIST CURVE), or null
     * @param note        what was unusual about the form, or null
     */
    record Decoded(Encoding encoding, byte[] bytes, boolean ecScalar, byte[] publicPoint, String curve, String note) {
    }

    /** The bytes in {@code text}, or null when it is none of these forms. */
    static Decoded decode(String text) {
        String t = text.strip();
        if (t.contains("priv:")) {
            return opensslText(t);
        }
        String first = t.lines().findFirst().orElse("").strip();
        boolean dumpListing = XXD_LINE.matcher(first).matches()
                || first.contains("|") && HEXDUMP_C_LINE.matcher(first).matches();
        if (!dumpListing && t.indexOf('{') >= 0 && t.indexOf('}', t.indexOf('{')) > 0) {
            return cArray(t.substring(t.indexOf('{') + 1, t.indexOf('}', t.indexOf('{'))));
        }
        if (!dumpListing && bareCBytes(t)) {
            return cArray(t);
        }
        if (!dumpListing && C_STRING_HEX.matcher(t).find()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Matcher m = C_STRING_HEX.matcher(t);
            while (m.find()) {
                out.write(Integer.parseInt(m.group(1), 16));
            }
            return der(Encoding.C_ARRAY, out.toByteArray(), null);
        }
        byte[] dump = hexDump(t);
        if (dump == null) {
            return null;
        }
        // openssl's colon-separated hex of 28-33 bytes is a private scalar, whatever its first byte (0x30 included);
        // bare hex of that length (a SHA-256 fingerprint, say) is not taken for a key
        if (t.contains(":") && !XXD_LINE.matcher(t.lines().findFirst().orElse("")).matches() && dump.length >= 28
                && dump.length <= 33) {
            return scalar(dump, null, null, Encoding.OPENSSL_TEXT);
        }
        if (dump.length >= 2 && (dump[0] & 0xff) == 0x30) {
            return der(Encoding.HEX, dump, null);
        }
        return null;
    }

    /** Whether the whole text is C byte literals, 0x30, 0x77, …, each with an optional comma. */
    private static boolean bareCBytes(String t) {
        Matcher m = BARE_C_BYTE.matcher(t);
        int pos = 0;
        while (pos < t.length()) {
            m.region(pos, t.length());
            if (!m.lookingAt()) {
                return false;
            }
            pos = m.end();
        }
        return pos > 0;
    }

    private static Decoded der(Encoding encoding, byte[] bytes, String note) {
        return bytes.length < MIN_BYTES ? null : new Decoded(encoding, bytes, false, null, null, note);
    }

    /** {@code openssl ec -noout -text}: "priv:" hex lines, "pub:" hex lines, "ASN1 OID: prime256v1". */
    private static Decoded opensslText(String t) {
        java.util.Map<String, StringBuilder> sections = new java.util.HashMap<>();
        String curve = null;
        StringBuilder hex = null;
        for (String raw : t.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("priv:") || line.startsWith("pub:")) {
                hex = new StringBuilder(line.substring(line.indexOf(':') + 1));
                sections.put(line.substring(0, line.indexOf(':')), hex);
            } else if (hex != null && line.matches("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})*:?")) {
                hex.append(line).append(line.endsWith(":") ? "" : ":");
            } else {
                hex = null;
                if (line.startsWith("ASN1 OID:") || line.startsWith("NIST CURVE:")) {
                    String name = line.substring(line.indexOf(':') + 1).strip();
                    curve = curve == null || line.startsWith("ASN1 OID:") ? name : curve;
                }
            }
        }
        byte[] priv = sections.containsKey("priv") ? hexPairs(sections.get("priv").toString()) : null;
        byte[] pub = sections.containsKey("pub") ? hexPairs(sections.get("pub").toString()) : null;
        if (priv == null || priv.length == 0) {
            return null;
        }
        return scalar(priv, pub, curve, Encoding.OPENSSL_TEXT);
    }

    /** A P-256 scalar is 32 bytes; openssl adds a 00 byte when the top bit is set and drops leading zero bytes. */
    private static Decoded scalar(byte[] b, byte[] pub, String curve, Encoding encoding) {
        String note = null;
        byte[] s = b;
        if (b.length == 33 && b[0] == 0) {
            s = java.util.Arrays.copyOfRange(b, 1, 33);
            note = "the hex starts with a 00: byte that is not part of the key: openssl prints it when the key's top"
                    + " bit is set; a device that takes the 32-byte scalar needs it without that leading 00:";
        } else if (b.length < 32) {
            s = new byte[32];
            System.arraycopy(b, 0, s, 32 - b.length, b.length);
            note = "the hex has " + b.length + " bytes because the key starts with " + (32 - b.length) + " zero"
                    + " byte(s), which openssl leaves out; a device that takes the 32-byte scalar needs "
                    + "00:".repeat(32 - b.length) + " in front";
        }
        return new Decoded(encoding, s, true, pub, curve, note);
    }

    /** Byte tokens between the braces of a C array: 0x30, 48, with comments and casts ignored. */
    private static Decoded cArray(String body) {
        body = body.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String token : body.split(",")) {
            String v = token.strip().replaceAll("^\\((unsigned )?(char|uint8_t)\\)\\s*", "");
            if (v.isEmpty()) {
                continue;
            }
            Matcher hex = C_HEX.matcher(v);
            int value;
            if (hex.matches()) {
                value = Integer.parseInt(hex.group(1), 16);
            } else if (v.matches("\\d{1,3}[uU]?")) {
                value = Integer.parseInt(v.replaceAll("[uU]", ""));
            } else {
                return null;
            }
            if (value > 255) {
                return null;
            }
            out.write(value);
        }
        return der(Encoding.C_ARRAY, out.toByteArray(), null);
    }

    /** xxd, xxd -p, hexdump -C, or plain hex with spaces or colons; null when the text is not one. */
    private static byte[] hexDump(String t) {
        String[] lines = t.split("\\R");
        StringBuilder hex = new StringBuilder();
        boolean xxd = lines.length > 0 && XXD_LINE.matcher(lines[0].strip()).matches();
        boolean hexdumpC = !xxd && lines.length > 0 && lines[0].contains("|")
                && HEXDUMP_C_LINE.matcher(lines[0].strip()).matches();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (xxd) {
                Matcher m = XXD_LINE.matcher(line);
                if (!m.matches()) {
                    return null;
                }
                String rest = m.group(1);
                int ascii = rest.indexOf("  ");
                hex.append(ascii >= 0 ? rest.substring(0, ascii) : rest).append(' ');
            } else if (hexdumpC) {
                if (line.matches("[0-9a-fA-F]{6,8}")) {
                    continue; // the final offset line
                }
                Matcher m = HEXDUMP_C_LINE.matcher(line);
                if (!m.matches()) {
                    return null;
                }
                hex.append(m.group(1)).append(' ');
            } else {
                hex.append(line).append(' ');
            }
        }
        String digits = hex.toString().replaceAll("[\\s:]", "");
        if (digits.isEmpty() || digits.length() % 2 != 0 || !digits.matches("[0-9a-fA-F]+")) {
            return null;
        }
        return hexPairs(digits);
    }

    private static byte[] hexPairs(String s) {
        String digits = s.replaceAll("[\\s:]", "").toLowerCase(Locale.ROOT);
        if (digits.length() % 2 != 0 || !digits.matches("[0-9a-f]*")) {
            return new byte[0];
        }
        byte[] out = new byte[digits.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
