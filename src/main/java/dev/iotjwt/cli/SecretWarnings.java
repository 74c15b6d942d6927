package dev.iotjwt.cli;

import dev.iotjwt.keys.KeyFilePermissions;
import picocli.CommandLine;

import java.nio.file.Path;

/** The warning a command prints, once per file, when it reads a private key that other users can read. */
final class SecretWarnings {
    private SecretWarnings() {
    }

    static void privateKeyFile(CommandLine cl, Path file) {
        privateKeyFile(cl, file, "sign as the device");
    }

    /** As {@link #privateKeyFile(CommandLine, Path)}, saying what another user could do with the key. */
    static void privateKeyFile(CommandLine cl, Path file, String couldThen) {
        Warning w = privateKeyWarning(file, couldThen);
        if (w == null) {
            return;
        }
        cl.getErr().println("iotjwt: warning: " + w.message());
        cl.getErr().println("hint: " + w.hint());
        cl.getErr().flush();
    }

    /** A warning as data: for output that is not text lines (the broker's JSON log). */
    record Warning(String message, String hint) {
    }

    /** The warning about a private key file others can read, or null when it is closed to them. */
    static Warning privateKeyWarning(Path file, String couldThen) {
        String mode = KeyFilePermissions.tooOpen(file);
        if (mode == null) {
            return null;
        }
        String shown = dev.iotjwt.Messages.quote(file.toString(), 300);
        return new Warning(shown + ": private key file is open to group or others (mode " + mode
                + "): other users of this machine can read it and " + couldThen, "chmod 600 " + shown);
    }
}
