package dev.iotjwt;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads an input file whole, with errors that name what is wrong: missing, a directory, unreadable, too large. */
public final class InputFiles {
    /** Key, certificate, password and token files are small; anything larger is not one. */
    public static final long MAX_BYTES = 1 << 20;

    private InputFiles() {
    }

    /** A key, certificate, password or token file, at most {@link #MAX_BYTES}. */
    public static byte[] read(Path file) throws InputException {
        return read(file, MAX_BYTES, "a key or certificate file");
    }

    /** As {@link #read(Path)} with another bound, for files that are not keys (a registry of a whole fleet). */
    public static byte[] read(Path file, long maxBytes, String what) throws InputException {
        String source = Messages.quote(file.toString(), 300);
        try {
            if (Files.isDirectory(file)) {
                throw new InputException(source + ": is a directory, not a file", "give the path of the file itself");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new InputException(source + ": is " + size + " bytes, far too large for " + what
                        + " (at most " + maxBytes + ")", "check the path");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(source + ": no such file", "check the path");
        } catch (AccessDeniedException e) {
            throw new InputException(source + ": permission denied", "check the file's permissions");
        } catch (IOException e) {
            throw new InputException(source + ": cannot read: " + Messages.cause(e));
        }
    }
}
