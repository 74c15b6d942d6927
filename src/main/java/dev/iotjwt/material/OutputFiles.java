package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.SecretFiles;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
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
        } catch (IOException e) {
            throw new InputException(null, file + ": cannot write: " + e.getMessage(), null, e);
        }
    }
}
