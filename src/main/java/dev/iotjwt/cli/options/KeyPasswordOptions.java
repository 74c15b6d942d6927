package dev.iotjwt.cli.options;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.cli.CliContext;
import dev.iotjwt.keys.PasswordSource;
import picocli.CommandLine.Option;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** Where the password of an encrypted key comes from: a file, an environment variable, or a prompt. Never an argument. */
public final class KeyPasswordOptions {
    @Option(names = "--key-password-file", paramLabel = "FILE",
            description = "File holding the password of an encrypted key (one trailing newline is ignored).")
    Path passwordFile;

    @Option(names = "--key-password-env", paramLabel = "VAR",
            description = "Environment variable holding the password of an encrypted key.")
    String passwordEnv;

    /** A password file's content without one trailing newline. */
    public static char[] fromFile(Path file) throws InputException {
        return fromFile("the password file", file);
    }

    /**
     * A password file's content without one trailing newline. A file that cannot be read is named only when its name
     * looks like a path: a password typed in its place is never repeated.
     */
    static char[] fromFile(String option, Path file) throws InputException {
        byte[] bytes;
        try {
            bytes = InputFiles.read(file);
        } catch (InputException e) {
            String quoted = dev.iotjwt.Messages.quote(file.toString(), 300);
            if (looksLikePath(file.toString())) {
                throw e;
            }
            String why = String.valueOf(e.getMessage()).startsWith(quoted)
                    ? e.getMessage().substring(quoted.length()) : ": cannot be read";
            throw new InputException(option + " (its value is not shown: it does not look like a file name)" + why,
                    "give the path of a file that holds the password; a password itself is never taken as an"
                            + " argument");
        }
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\n') {
            n--;
        }
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        char[] pw = new String(bytes, 0, n, StandardCharsets.UTF_8).toCharArray();
        Arrays.fill(bytes, (byte) 0);
        return pw;
    }

    /**
     * The password in an environment variable. An unset variable is named only when its name looks like one
     * (upper-case letters, digits and '_'): a password typed in its place is never repeated.
     */
    public static char[] fromEnv(CliContext context, String option, String variable, String otherOption)
            throws InputException {
        String value = context.env().get(variable);
        if (value == null) {
            if (!looksLikeVariable(variable)) {
                throw new InputException(option + ": the variable is not set (its name is not shown: it does not"
                        + " look like a variable name)", "give the NAME of a variable that holds the password (export"
                        + " KEY_PW=... first), or use " + otherOption + "; a password itself is never taken as an"
                        + " argument");
            }
            throw new InputException(option + " " + variable + ": the variable is not set",
                    "export " + variable + " before running, or use " + otherOption);
        }
        return value.toCharArray();
    }

    /**
     * A file name as people type them: a folder part, or an extension password files have ({@code pw.txt},
     * {@code key.pass}); no spaces or control characters. {@code Winter.2024} is not one: it may be the password.
     */
    public static boolean looksLikePath(String value) {
        return value.length() <= 300 && value.codePoints().allMatch(c -> c > 0x20 && c != 0x7f)
                && (value.contains("/") || value.contains("\\") || PASSWORD_FILE.matcher(value).matches());
    }

    private static final java.util.regex.Pattern PASSWORD_FILE = java.util.regex.Pattern.compile(
            ".+\\.(?i:txt|pass|passwd|password|pw|pwd|secret|key|pem|conf|cfg|env|dat|bin)");

    /** An environment variable's name by convention: upper-case letters, digits and '_', not starting with a digit. */
    public static boolean looksLikeVariable(String value) {
        return value.matches("[A-Z_][A-Z0-9_]{0,127}");
    }

    public PasswordSource source(CliContext context) {
        return new PasswordSource() {
            @Override
            public char[] password(String keyFile) throws InputException {
                if (passwordFile != null) {
                    return fromFile("--key-password-file", passwordFile);
                }
                if (passwordEnv != null) {
                    return fromEnv(context, "--key-password-env", passwordEnv, "--key-password-file");
                }
                Console console = context.console().get();
                if (console != null) {
                    return console.readPassword("Password for %s: ", keyFile);
                }
                return null;
            }

            @Override
            public String howToGive() {
                return "give --key-password-file FILE or --key-password-env VAR (or run it on a terminal to be asked)";
            }
        };
    }
}
