package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial.Container;
import dev.iotjwt.keys.KeyMaterial.Encoding;
import dev.iotjwt.keys.KeyMaterial.Kind;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyReaderFormatsTest {
    private static final PasswordSource PASSWORD = Fixtures.PASSWORD_SOURCE;

    private final KeyReader reader = new KeyReader();

    @ParameterizedTest
    @CsvSource({
            "rsa2048_pkcs1.pem, PKCS1, PEM, false, RSA 2048",
            "rsa2048_pkcs1.der, PKCS1, DER, false, RSA 2048",
            "rsa2048_pkcs8.pem, PKCS8, PEM, false, RSA 2048",
            "rsa2048_pkcs8.der, PKCS8, DER, false, RSA 2048",
            "rsa2048_pkcs8_enc.pem, PKCS8, PEM, true, RSA 2048",
            "rsa2048_pkcs8_enc.der, PKCS8, DER, true, RSA 2048",
            "rsa2048_pkcs1_legacy_enc.pem, PKCS1, PEM, true, RSA 2048",
            "p256_sec1.pem, SEC1, PEM, false, EC P-256 (prime256v1)",
            "p256_sec1.der, SEC1, DER, false, EC P-256 (prime256v1)",
            "p256_sec1_params.pem, SEC1, PEM, false, EC P-256 (prime256v1)",
            "p256_pkcs8.der, PKCS8, DER, false, EC P-256 (prime256v1)",
            "p256_pkcs8_enc.pem, PKCS8, PEM, true, EC P-256 (prime256v1)",
            "p256_sec1_legacy_enc.pem, SEC1, PEM, true, EC P-256 (prime256v1)",
            "rsa1024_pkcs1.pem, PKCS1, PEM, false, RSA 1024",
            "p384_sec1.pem, SEC1, PEM, false, EC P-384 (secp384r1)",
    })
    void recognisesContainerEncodingAndType(String file, Container container, Encoding encoding, boolean encrypted,
                                            String type) throws Exception {
        KeyMaterial m = reader.privateKey(Fixtures.key(file), PASSWORD);
        assertThat(m.kind()).isEqualTo(Kind.PRIVATE_KEY);
        assertThat(m.container()).isEqualTo(container);
        assertThat(m.encoding()).isEqualTo(encoding);
        assertThat(m.encrypted()).isEqualTo(encrypted);
        assertThat(m.type().describe()).isEqualTo(type);
        assertThat(m.privateKey()).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
            "rsa2048_pkcs1.pem, rsa2048_public.der, RSA",
            "rsa2048_pkcs8_enc.der, rsa2048_public.der, RSA",
            "rsa2048_public.pem, rsa2048_public.der, RSA",
            "rsa2048_public_pkcs1.pem, rsa2048_public.der, RSA",
            "rsa2048_cert.pem, rsa2048_public.der, RSA",
            "p256_sec1.pem, p256_public.der, EC",
            "p256_sec1_nopub.pem, p256_public.der, EC",
            "p256_public.pem, p256_public.der, EC",
            "p256_cert.der, p256_public.der, EC",
    })
    void publicKeyComesFromPrivateKeysPublicKeysAndCertificates(String file, String publicDer, String alg)
            throws Exception {
        KeyMaterial m = reader.publicKey(Fixtures.key(file), PASSWORD);
        assertThat(m.publicKey().getEncoded())
                .isEqualTo(Fixtures.jdkPublicKey(publicDer, alg).getEncoded());
    }

    @Test
    void bareBase64WithoutPemArmourIsRead() throws Exception {
        byte[] der = Files.readAllBytes(Fixtures.key("p256_pkcs8.der"));
        byte[] b64 = java.util.Base64.getMimeEncoder().encode(der);
        KeyMaterial m = reader.parse(b64, "pasted.txt", PasswordSource.NONE).usable().get(0);
        assertThat(m.encoding()).isEqualTo(Encoding.BASE64);
        assertThat(m.type().isP256()).isTrue();
    }

    @Test
    void encryptedKeyWithoutPasswordSaysHowToGiveOne() {
        assertThatThrownBy(() -> reader.privateKey(Fixtures.key("p256_pkcs8_enc.pem"), PasswordSource.NONE))
                .isInstanceOf(InputException.class)
                .hasMessageContaining("p256_pkcs8_enc.pem")
                .hasMessageContaining("encrypted PKCS#8 private key and no password was given");
    }

    @Test
    void openSshKeysAreNamed() {
        String openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
        assertThatThrownBy(() -> reader.parse(openssh.getBytes(StandardCharsets.US_ASCII), "id_ed25519",
                PasswordSource.NONE).usable())
                .hasMessageContaining("OpenSSH private key")
                .extracting(e -> ((InputException) e).hint()).asString().contains("ssh-keygen -p -m PKCS8");
    }
}
