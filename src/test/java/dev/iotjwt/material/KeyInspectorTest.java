package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyInspectorTest {
    private final KeyInspector inspector = new KeyInspector();

    /** Usable keys are read; refused types and keys encrypted without their password are described; both say secret. */
    @ParameterizedTest
    @CsvSource({
            "p256_pkcs8.pem, 1, true, true",
            "p256_public.pem, 1, false, true",
            "p256_cert_and_key.pem, 2, true, true",
            "rsa2048_cert.pem, 1, false, true",
            "ed25519_pkcs8.pem, 1, true, false",
            "secp256k1_sec1.pem, 1, true, false",
            "p256_pkcs8_enc.pem, 1, true, false",
            "p256_sec1_legacy_enc.pem, 1, true, false",
    })
    void describesWhatTheFileHoldsAndWhetherItIsASecret(String name, int items, boolean secret, boolean accepted)
            throws InputException {
        Path file = Fixtures.key(name);
        KeyInspector.Inspection inspection = inspector.inspect(file, PasswordSource.NONE);
        assertThat(inspection.items()).hasSize(items);
        assertThat(inspection.holdsPrivateKey()).isEqualTo(secret);
        assertThat(inspection.items().get(0).source()).isEqualTo(file.toString());
        assertThat(inspection.items().get(0).iotCore()).isEqualTo(accepted);
    }

    @Test
    void anEncryptedKeyWithItsPasswordIsReadInFull() throws InputException {
        KeyInspector.Inspection inspection = inspector.inspect(Fixtures.key("p256_pkcs8_enc.pem"),
                Fixtures.PASSWORD_SOURCE);
        KeyFacts facts = inspection.items().get(0);
        assertThat(facts.encrypted()).isTrue();
        assertThat(facts.fingerprint()).isNotNull();
        assertThat(facts.iotCore()).isTrue();
        assertThat(inspection.holdsPrivateKey()).isTrue();
    }

    /** Anything other than a refused or locked key keeps the reader's error. */
    @Test
    void otherReadingErrorsStand() {
        assertThatThrownBy(() -> inspector.inspect(Fixtures.key("junk.bin"), PasswordSource.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("junk.bin");
        assertThatThrownBy(() -> inspector.inspect(Fixtures.key("truncated.der"), PasswordSource.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("not valid DER");
        assertThatThrownBy(() -> inspector.inspect(Fixtures.key("missing.pem"), PasswordSource.NONE))
                .isInstanceOf(InputException.class).hasMessageContaining("no such file");
    }
}
