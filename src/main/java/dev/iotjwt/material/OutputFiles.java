package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.SecretFiles;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes what the key and certificate commands make: never over a file without force, secrets owner-only. */
public final class OutputFiles {
    private OutputFiles() {
    }

    /**
     * @param secret private key material: created readable by the owner only, from the first byte
     * @param force  replace an existing file
     */
    public static void write(Path file, byte[] content, boolean secret, boolean force) throws InputException {
        try {
            if (Files.isDirectory(file)) {
                throw new InputException(file + ": is a directory", "give a file name");
            }
            if (Files.exists(file)) {
                if (!force) {
                    throw new InputException(file + ": exists; not overwritten", "choose another name, or add --force");
                }
                Files.delete(file);
            }
            if (secret) {
                SecretFiles.create(file, content);
            } else {
                Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            }
        } catch (FileAlreadyExistsException e) {
            throw new InputException(file + ": exists; not overwritten", "choose another name, or add --force");
        } catch (NoSuchFileException e) {
            Path parent = file.toAbsolutePath().getParent();
            throw new InputException(null, file + ": cannot write: no such folder" + (parent == null ? ""
                    : " " + parent), "create the folder first, or give another path", e);
        } catch (AccessDeniedException e) {
            throw new InputException(null, file + ": cannot write: permission denied", "write to a folder you own,"
                    + " or check its permissions", e);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                    ? fs.getReason().toLowerCase(java.util.Locale.ROOT) : dev.iotjwt.Messages.cause(e);
            throw new InputException(null, file + ": cannot write: " + why, null, e);
        }
    }
}
