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

    /**
     * Creates {@code dir} and its missing parents owner-only ({@code rwx------}) on POSIX file systems, as ssh keeps
     * {@code ~/.ssh}: in a folder others may write to, anyone could swap a key the tool wrote. Folders that exist
     * are left as they are.
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            return;
        }
        if (abs.getParent() != null) {
            createPrivateDirectories(abs.getParent());
        }
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectory(abs);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) {
                throw e;
            }
        }
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
