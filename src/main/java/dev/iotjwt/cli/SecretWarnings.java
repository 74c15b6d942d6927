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
        String mode = KeyFilePermissions.tooOpen(file);
        if (mode == null) {
            return;
        }
        String shown = dev.iotjwt.Messages.quote(file.toString(), 300);
        cl.getErr().println("iotjwt: warning: " + shown + ": private key file is open to group or others (mode " + mode
                + "): other users of this machine can read it and " + couldThen);
        cl.getErr().println("hint: chmod 600 " + shown);
        cl.getErr().flush();
    }
}
