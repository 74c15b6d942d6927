package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial.Kind;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one key reader's three answers (usable, unsupported, locked), and that its fast path needs no Bouncy Castle. */
class KeyReaderTest {
    private final KeyReader reader = new KeyReader();

    @Test
    void aPlainKeyIsUsable() throws Exception {
        KeyRead read = reader.read(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE);
        assertThat(read).isInstanceOf(KeyRead.Usable.class);
        assertThat(read.usable()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(Kind.PRIVATE_KEY);
            assertThat(m.type().describe()).isEqualTo("EC P-256 (prime256v1)");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ed25519_pkcs8.pem | is an Ed25519 private key; IoT Core accepts only RSA (RS256) and EC P-256 (ES256) keys"
                    + " | Ed25519",
            "secp256k1_sec1.pem | is an EC private key on curve secp256k1; IoT Core's ES256 needs P-256 (prime256v1)"
                    + " | EC secp256k1",
    })
    void aKeyIotCoreNeverTookIsUnsupportedWithItsReasonAndCanStillBeDescribed(String file, String reason,
                                                                               String described) throws Exception {
        Path key = Fixtures.key(file);
        KeyRead read = reader.read(key, PasswordSource.NONE);
        assertThat(read).isInstanceOf(KeyRead.Unsupported.class);
        KeyRead.Refused refused = (KeyRead.Refused) read;
        assertThat(refused.message()).isEqualTo(key + ": " + reason);
        assertThat(refused.code()).isEqualTo("key.unsupported");
        assertThatThrownBy(read::usable).isInstanceOf(InputException.class).hasMessage(key + ": " + reason)
                .satisfies(e -> assertThat(((InputException) e).code()).isEqualTo("key.unsupported"));
        assertThat(refused.describe()).singleElement().satisfies(d -> assertThat(d.type()).isEqualTo(described));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "rsa2048_pkcs8_enc.pem | encrypted PKCS#8 private key | an encrypted PKCS#8 private key | PBES2",
            "p256_sec1_legacy_enc.pem | legacy OpenSSL-encrypted EC PRIVATE KEY"
                    + " | a legacy OpenSSL-encrypted EC PRIVATE KEY | legacy OpenSSL PEM",
    })
    void anEncryptedKeyWithoutItsPasswordIsLockedWithItsScheme(String file, String scheme, String spoken,
                                                               String protection) throws Exception {
        Path key = Fixtures.key(file);
        KeyRead read = reader.read(key, PasswordSource.NONE);
        assertThat(read).isInstanceOf(KeyRead.Locked.class);
        KeyRead.Locked locked = (KeyRead.Locked) read;
        assertThat(locked.scheme()).isEqualTo(scheme);
        assertThat(locked.message()).isEqualTo(key + ": is " + spoken + " and no password was given");
        assertThat(locked.hint()).isEqualTo(PasswordSource.NONE.howToGive());
        assertThatThrownBy(read::usable).isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).code()).isEqualTo("key.encrypted"));
        assertThat(locked.describe()).singleElement().satisfies(d -> {
            assertThat(d.encrypted()).isTrue();
            assertThat(d.protection()).contains(protection);
        });
        assertThat(reader.read(key, Fixtures.PASSWORD_SOURCE)).isInstanceOf(KeyRead.Usable.class);
    }

    @ParameterizedTest
    @CsvSource({"truncated.der", "not_a_key.txt", "empty.pem", "corrupt_base64.pem", "missing.pem"})
    void aDamagedMissingOrForeignFileIsAnErrorNotAResult(String file) {
        assertThatThrownBy(() -> reader.read(Fixtures.key(file), PasswordSource.NONE))
                .isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).code()).isNull());
    }

    @Test
    void aWrongPasswordIsAnErrorNotALockedKey() {
        PasswordSource wrong = new PasswordSource() {
            @Override
            public char[] password(String source) {
                return "not-the-password".toCharArray();
            }

            @Override
            public String howToGive() {
                return "give it";
            }
        };
        assertThatThrownBy(() -> reader.read(Fixtures.key("p256_sec1_legacy_enc.pem"), wrong))
                .isInstanceOf(InputException.class).hasMessageContaining("wrong password");
    }

    @Test
    void aFileWithAnUnsupportedBlockAndAUsableOneIsUsableWithoutIt(@TempDir Path dir) throws Exception {
        Path both = dir.resolve("both.pem");
        Files.writeString(both, Files.readString(Fixtures.key("ed25519_pkcs8.pem"))
                + Files.readString(Fixtures.key("p256_pkcs8.pem")));
        KeyRead read = reader.read(both, PasswordSource.NONE);
        assertThat(read).isInstanceOf(KeyRead.Usable.class);
        assertThat(read.usable()).singleElement()
                .satisfies(m -> assertThat(m.type().describe()).isEqualTo("EC P-256 (prime256v1)"));
        Path twoRefused = dir.resolve("two.pem");
        Files.writeString(twoRefused, Files.readString(Fixtures.key("ed25519_pkcs8.pem"))
                + Files.readString(Fixtures.key("ed25519_pkcs8.pem")));
        assertThat(reader.read(twoRefused, PasswordSource.NONE)).isInstanceOf(KeyRead.Unsupported.class);
    }

    @Test
    void privateKeyRefusesWhatIsNotOneWithTheMessageMintGives() {
        Path cert = Fixtures.key("p256_cert.pem");
        assertThatThrownBy(() -> reader.privateKey(cert, PasswordSource.NONE)).isInstanceOf(InputException.class)
                .hasMessage(cert + ": is an X.509 certificate (PEM, EC P-256 (prime256v1) key), not a private key");
    }

    /**
     * Start-up: reading a plain key loads no Bouncy Castle class, in a JVM of its own; an encrypted key, read with its
     * password, does (so the check can tell).
     */
    @ParameterizedTest
    @CsvSource({"rsa2048_pkcs1.pem, false", "p256_sec1_params.pem, false", "p256_pkcs8.der, false",
            "rsa2048_pkcs8.pem, false", "rsa2048_pkcs8_enc.pem, true"})
    void theFastPathLoadsNoBouncyCastle(String file, boolean loadsBouncyCastle) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:off", "-verbose:class", "-cp",
                System.getProperty("java.class.path"), ReadOnce.class.getName(), Fixtures.key(file).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("read: PRIVATE_KEY");
        assertThat(out.contains("org.bouncycastle.")).as("Bouncy Castle loaded reading " + file)
                .isEqualTo(loadsBouncyCastle);
    }

    /** Reads one key, with the fixtures' password, in a JVM of its own. */
    static final class ReadOnce {
        public static void main(String[] args) throws IOException, InputException {
            List<KeyMaterial> items = new KeyReader().read(Path.of(args[0]), Fixtures.PASSWORD_SOURCE).usable();
            System.out.println("read: " + items.get(0).kind());
        }
    }
}
