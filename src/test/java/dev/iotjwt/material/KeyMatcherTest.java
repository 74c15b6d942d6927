package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyMatcherTest {
    @Test
    void matchTakesThePrivateKeyFromEitherFile() throws InputException {
        Path key = Fixtures.key("p256_sec1.pem");
        Path pub = Fixtures.key("p256_public.pem");
        KeyMatcher.FileMatch swapped = new KeyMatcher().match(pub, key, PasswordSource.NONE);
        assertThat(swapped.match().matches()).isTrue();
        assertThat(swapped.privateKeyFile()).isEqualTo(key);
        assertThat(swapped.match().privateKey()).isEqualTo(key.toString());
        assertThatThrownBy(() -> new KeyMatcher().match(pub, Fixtures.key("rsa2048_public.pem"), PasswordSource.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("holds no private key either");
    }

    @Test
    void inOrderTheFirstFileIsThePrivateKey() throws InputException {
        Path key = Fixtures.key("p256_cert_and_key.pem");
        KeyMatcher.FileMatch m = new KeyMatcher().match(key, Fixtures.key("p256_cert.pem"), PasswordSource.NONE);
        assertThat(m.match().matches()).isTrue();
        assertThat(m.privateKeyFile()).isEqualTo(key);
        KeyMatcher.FileMatch other = new KeyMatcher().match(Fixtures.key("p256_sec1.pem"),
                Fixtures.key("rsa2048_public.pem"), PasswordSource.NONE);
        assertThat(other.match().matches()).isFalse();
    }
}
