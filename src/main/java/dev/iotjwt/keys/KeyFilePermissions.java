package dev.iotjwt.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Whether a private key file is open to other users, as ssh checks before it uses a key. */
public final class KeyFilePermissions {
    private KeyFilePermissions() {
    }

    /**
     * The file's mode in octal (e.g. {@code 0644}) when its group or others have any permission on it, else null
     * (also null where the file system has no POSIX permissions or the file cannot be examined).
     */
    public static String tooOpen(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        Set<PosixFilePermission> p;
        try {
            p = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
        int mode = 0;
        for (PosixFilePermission perm : p) {
            mode |= 1 << (8 - perm.ordinal()); // OWNER_READ is ordinal 0 = 0400, OTHERS_EXECUTE is 8 = 0001
        }
        return (mode & 077) == 0 ? null : String.format("0%o", mode);
    }
}
