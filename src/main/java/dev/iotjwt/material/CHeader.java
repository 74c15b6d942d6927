package dev.iotjwt.material;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DER bytes as a C header: {@code const unsigned char IDENT[] = {…}; const unsigned int IDENT_len = N;}, twelve bytes
 * a line, each array after a comment naming what it holds. What firmware embeds instead of a PEM string.
 */
public final class CHeader {
    private static final int PER_LINE = 12;

    /**
     * Keywords of C (C89 to C23) and of C++, since Arduino sketches and many firmware projects include the header from
     * C++: an array named after one does not compile.
     */
    private static final Set<String> KEYWORDS = Set.of(
            "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern",
            "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short",
            "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile",
            "while", "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert", "thread_local",
            "true", "typeof", "typeof_unqual",
            "asm", "catch", "char8_t", "char16_t", "char32_t", "class", "concept", "consteval", "constinit",
            "const_cast", "co_await", "co_return", "co_yield", "decltype", "delete", "dynamic_cast", "explicit",
            "export", "friend", "mutable", "namespace", "new", "noexcept", "operator", "private", "protected",
            "public", "reinterpret_cast", "requires", "static_cast", "template", "this", "throw", "try", "typeid",
            "typename", "using", "virtual", "wchar_t", "and", "and_eq", "bitand", "bitor", "compl", "not", "not_eq",
            "or", "or_eq", "xor", "xor_eq");

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
        if (Character.isDigit(s.charAt(0))) {
            s = "der_" + s;
        }
        return problem(s) == null ? s : s + "_der";
    }

    public static boolean isIdent(String name) {
        return problem(name) == null;
    }

    /**
     * Why {@code name} cannot name an array in a header that compiles as C and as C++, or null when it can: not an
     * identifier, a keyword, or reserved to the compiler and the C library (a leading underscore at file scope).
     */
    public static String problem(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return "is not a C identifier (letters, digits and _, not starting with a digit)";
        }
        if (KEYWORDS.contains(name) || name.startsWith("_") && name.length() > 1
                && Character.isUpperCase(name.charAt(1)) && KEYWORDS.contains(name.substring(1).toLowerCase(Locale.ROOT))) {
            return "is a C or C++ keyword";
        }
        if (name.startsWith("_")) {
            return "is reserved in C (a name starting with _ belongs to the compiler and the C library)";
        }
        return null;
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
