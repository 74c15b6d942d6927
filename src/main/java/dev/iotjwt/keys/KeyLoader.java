package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.Messages;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/**
 * The methods callers used before {@link KeyReader} and {@link InputFiles}, each delegating to its new home: read keys
 * with {@link KeyReader} (one result type, {@link KeyRead}), files with {@link InputFiles}, the public half with
 * {@link KeyMaterial#publicHalf()}, articles with {@link Messages#article(String)}. New code does not use this class.
 */
public final class KeyLoader {
    /** See {@link InputFiles#MAX_BYTES}. */
    public static final long MAX_FILE_BYTES = InputFiles.MAX_BYTES;

    private final KeyReader reader = new KeyReader();

    /** See {@link KeyReader#privateKey(Path, PasswordSource)}. */
    public KeyMaterial readPrivateKey(Path file, PasswordSource passwords) throws InputException {
        return reader.privateKey(file, passwords);
    }

    /** See {@link KeyReader#publicKey(Path, PasswordSource)}. */
    public KeyMaterial readPublicKey(Path file, PasswordSource passwords) throws InputException {
        return reader.publicKey(file, passwords);
    }

    /** See {@link KeyReader#publicOf(List, Path)}. */
    public static KeyMaterial publicOf(List<KeyMaterial> items, Path file) throws InputException {
        return KeyReader.publicOf(items, file);
    }

    /** Every key or certificate in the file, in order: {@link KeyReader#read} and {@link KeyRead#usable()}. */
    public List<KeyMaterial> read(Path file, PasswordSource passwords) throws InputException {
        return reader.read(file, passwords).usable();
    }

    /** As {@link #read(Path, PasswordSource)}, for bytes that came from {@code source}. */
    public List<KeyMaterial> parse(byte[] bytes, String source, PasswordSource passwords) throws InputException {
        return reader.parse(bytes, source, passwords).usable();
    }

    /** See {@link KeyMaterial#publicHalf()}. */
    public static PublicKey publicKeyOf(KeyMaterial m) {
        return m.publicHalf();
    }

    /** See {@link Messages#article(String)}. */
    public static String article(String phrase) {
        return Messages.article(phrase);
    }

    /** See {@link InputFiles#read(Path)}. */
    public static byte[] readFile(Path file) throws InputException {
        return InputFiles.read(file);
    }

    /** See {@link InputFiles#read(Path, long, String)}. */
    public static byte[] readFile(Path file, long maxBytes, String what) throws InputException {
        return InputFiles.read(file, maxBytes, what);
    }
}
