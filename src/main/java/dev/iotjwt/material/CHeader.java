package dev.iotjwt.material;

import java.util.List;
import java.util.Locale;

/**
 * DER bytes as a C header: {@code const unsigned char IDENT[] = {…}; const unsigned int IDENT_len = N;}, twelve bytes
 * a line, each array after a comment naming what it holds. What firmware embeds instead of a PEM string.
 */
public final class CHeader {
    private static final int PER_LINE = 12;

    private CHeader() {
    }

    /**
     * One array.
     *
     * @param ident   the C identifier
     * @param bytes   the bytes
     * @param comment what they are (one line; no comment terminators)
     */
    public record Array(String ident, byte[] bytes, String comment) {
    }

    /** A C identifier from a name: letters, digits and underscores, not starting with a digit. */
    public static String ident(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_]", "_").replaceAll("_+", "_").replaceAll("^_|_$", "");
        if (s.isEmpty()) {
            s = "der";
        }
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    public static boolean isIdent(String name) {
        return name.matches("[A-Za-z_][A-Za-z0-9_]*");
    }

    /** The whole header, with an include guard named after the first array. */
    public static String render(List<Array> arrays, String source) {
        StringBuilder b = new StringBuilder();
        String guard = "IOTJWT_" + arrays.get(0).ident().replaceFirst("_0$", "").toUpperCase(Locale.ROOT) + "_H";
        b.append("/* made by iotjwt from ").append(safe(source)).append(" */\n");
        b.append("#ifndef ").append(guard).append('\n').append("#define ").append(guard).append("\n\n");
        for (Array a : arrays) {
            b.append("/* ").append(safe(a.comment())).append(" */\n");
            b.append("const unsigned char ").append(a.ident()).append("[] = {\n");
            byte[] bytes = a.bytes();
            for (int i = 0; i < bytes.length; i += PER_LINE) {
                b.append("  ");
                for (int j = i; j < Math.min(bytes.length, i + PER_LINE); j++) {
                    b.append(String.format("0x%02x", bytes[j] & 0xff));
                    if (j < bytes.length - 1) {
                        b.append(j == Math.min(bytes.length, i + PER_LINE) - 1 ? "," : ", ");
                    }
                }
                b.append('\n');
            }
            b.append("};\n");
            b.append("const unsigned int ").append(a.ident()).append("_len = ").append(bytes.length).append(";\n\n");
        }
        b.append("#endif /* ").append(guard).append(" */\n");
        return b.toString();
    }

    private static String safe(String comment) {
        return comment.replace("*/", "* /").replace("/*", "/ *").replaceAll("[\\r\\n]", " ");
    }
}
