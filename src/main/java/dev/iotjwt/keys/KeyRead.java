package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.Messages;

import java.util.List;

/**
 * What {@link KeyReader} found in a key file: material the tool can use, a key IoT Core never took (unsupported, with
 * the reason), or an encrypted key whose password was not given (locked, with its scheme). The commands that sign or
 * verify take {@link #usable()}; {@code key inspect} describes a refused key instead.
 */
public sealed interface KeyRead permits KeyRead.Usable, KeyRead.Refused {

    /** The material, or the error (exit 3) for a key that cannot be used, with the reason and the fix. */
    List<KeyMaterial> usable() throws InputException;

    /** Every key or certificate of the file, in order. */
    record Usable(List<KeyMaterial> items) implements KeyRead {
        public Usable {
            items = List.copyOf(items);
        }

        @Override
        public List<KeyMaterial> usable() {
            return items;
        }
    }

    /** A key that was read but cannot be used; it can still be described. */
    sealed interface Refused extends KeyRead permits Unsupported, Locked {
        /** The file name as the user gave it. */
        String source();

        /** One line naming the file and saying why the key cannot be used. */
        String message();

        /** How to fix it, or null. */
        String hint();

        /** The stable code of the refusal ({@code key.unsupported}, {@code key.encrypted}). */
        String code();

        /** The bytes that were read (to describe them). */
        byte[] bytes();

        /** The error (exit 3) of a command that needs the key: the message, the code and the fix. */
        default InputException failure() {
            return new InputException(code(), message(), hint());
        }

        @Override
        default List<KeyMaterial> usable() throws InputException {
            throw failure();
        }

        /**
         * What the refused key is, as far as can be told without using it (type, curve, protection, fingerprint), or
         * null when the file holds something else. Loads Bouncy Castle.
         */
        default List<KeyDescriber.Description> describe() {
            return KeyDescriber.describe(bytes(), source());
        }
    }

    /** A type, curve or format IoT Core never accepted (Ed25519, secp256k1, DSA, OpenSSH, …). */
    record Unsupported(String source, String reason, String hint, byte[] bytes) implements Refused {
        @Override
        public String message() {
            return reason;
        }

        @Override
        public String code() {
            return "key.unsupported";
        }
    }

    /** An encrypted key and no password; {@code scheme} says how ("encrypted PKCS#8 private key"). */
    record Locked(String source, String scheme, String hint, byte[] bytes) implements Refused {
        @Override
        public String message() {
            return source + ": is " + Messages.article(scheme) + " and no password was given";
        }

        @Override
        public String code() {
            return "key.encrypted";
        }
    }
}
