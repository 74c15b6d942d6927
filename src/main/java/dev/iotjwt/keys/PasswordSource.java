package dev.iotjwt.keys;

import dev.iotjwt.InputException;

/** Where the password of an encrypted key comes from. The command line decides (a file, the environment, a prompt). */
public interface PasswordSource {
    /** The password for the named key file, or null when none was given. */
    char[] password(String source) throws InputException;

    /** A hint saying how to give a password, used when none was given. */
    String howToGive();

    PasswordSource NONE = new PasswordSource() {
        @Override
        public char[] password(String source) {
            return null;
        }

        @Override
        public String howToGive() {
            return "the key is encrypted; decrypt it first or give its password";
        }
    };
}
