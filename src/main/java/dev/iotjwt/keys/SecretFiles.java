package dev.iotjwt.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files that hold secrets (private keys): readable by the owner only from the first byte on, never chmod-ed later. */
public final class SecretFiles {
    private SecretFiles() {
    }

    /** Creates {@code file} (it must not exist) owner-only on POSIX file systems and writes {@code content}. */
    public static void create(Path file, byte[] content) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try (SeekableByteChannel ch = posix
                ? Files.newByteChannel(file, options, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")))
                : Files.newByteChannel(file, options)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }
}
