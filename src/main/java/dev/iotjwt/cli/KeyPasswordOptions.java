package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyLoader;
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
    static char[] fromFile(Path file) throws InputException {
        byte[] bytes = KeyLoader.readFile(file);
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

    static char[] fromEnv(CliContext context, String option, String variable, String otherOption)
            throws InputException {
        String value = context.env().get(variable);
        if (value == null) {
            throw new InputException(option + " " + variable + ": the variable is not set",
                    "export " + variable + " before running, or use " + otherOption);
        }
        return value.toCharArray();
    }

    PasswordSource source(CliContext context) {
        return new PasswordSource() {
            @Override
            public char[] password(String keyFile) throws InputException {
                if (passwordFile != null) {
                    return fromFile(passwordFile);
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
