package dev.iotjwt.testsupport;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** Paths to the checked-in fixtures (made by src/test/resources/fixtures/make-fixtures.sh) and a fixed clock. */
public final class Fixtures {
    /** The fixed "now" of every test: 2026-11-25T10:00:00Z. */
    public static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    public static final String PASSWORD = "fixture-password";

    /** Gives the fixtures' password for every encrypted fixture key. */
    public static final dev.iotjwt.keys.PasswordSource PASSWORD_SOURCE = new dev.iotjwt.keys.PasswordSource() {
        @Override
        public char[] password(String source) {
            return PASSWORD.toCharArray();
        }

        @Override
        public String howToGive() {
            return "give the fixtures' password";
        }
    };

    private Fixtures() {
    }

    /**
     * The key fixtures (the build's copies under target/test-classes), owner-only as a careful user keeps keys: a key
     * open to others draws a warning on stderr, which SecretsTest proves on copies of its own.
     */
    public static Path keys() {
        return KEYS;
    }

    private static final Path KEYS = ownerOnly();

    private static Path ownerOnly() {
        try {
            Path dir = Path.of(Fixtures.class.getResource("/fixtures/keys/password.txt").toURI()).getParent();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (Files.isRegularFile(f)) {
                        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                                "rw-------"));
                    }
                }
            }
            return dir;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path key(String name) {
        return keys().resolve(name);
    }

    /** A public key read with the JDK alone from a DER SubjectPublicKeyInfo fixture: independent of the tool. */
    public static PublicKey jdkPublicKey(String derName, String algorithm) {
        try {
            byte[] der = Files.readAllBytes(key(derName));
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
