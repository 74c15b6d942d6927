package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial.Container;
import dev.iotjwt.keys.KeyMaterial.Encoding;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.interfaces.ECPrivateKey;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Key bytes as firmware people hold them (made by make-fixtures.sh with xxd, hexdump and openssl). */
class KeyTextFormsTest {
    private final KeyReader reader = new KeyReader();

    private KeyMaterial read(String file) throws InputException {
        return reader.read(Fixtures.key(file), PasswordSource.NONE).usable().get(0);
    }

    private byte[] parse(String text) throws InputException {
        KeyMaterial m = reader.parse(text.getBytes(StandardCharsets.UTF_8), "pasted", PasswordSource.NONE).usable()
                .get(0);
        return m.publicHalf().getEncoded();
    }

    @ParameterizedTest
    @CsvSource({
            "p256_sec1_c_array.h, p256_sec1.pem, SEC1, C_ARRAY",
            "rsa2048_pkcs1.xxd, rsa2048_pkcs1.pem, PKCS1, HEX",
            "p256_pkcs8.hexdump, p256_pkcs8.pem, PKCS8, HEX",
            "p256_public.hex, p256_public.pem, SPKI, HEX",
            "p256_openssl_text.txt, p256_sec1.pem, RAW_EC_SCALAR, OPENSSL_TEXT",
            "p256_high_openssl11_text.txt, p256_high_sec1.pem, RAW_EC_SCALAR, OPENSSL_TEXT",
            "p256_high_priv_only.hex, p256_high_sec1.pem, RAW_EC_SCALAR, OPENSSL_TEXT",
    })
    void eachFormReadsAsTheSameKey(String form, String reference, Container container, Encoding encoding)
            throws Exception {
        KeyMaterial m = read(form);
        KeyMaterial ref = read(reference);
        assertThat(m.container()).isEqualTo(container);
        assertThat(m.encoding()).isEqualTo(encoding);
        assertThat(m.publicHalf().getEncoded()).isEqualTo(ref.publicHalf().getEncoded());
        if (ref.privateKey() != null) {
            assertThat(m.privateKey()).isNotNull();
            if (m.privateKey() instanceof ECPrivateKey ec) {
                assertThat(ec.getS()).isEqualTo(((ECPrivateKey) ref.privateKey()).getS());
            } else {
                assertThat(m.privateKey().getEncoded()).isEqualTo(ref.privateKey().getEncoded());
            }
        }
    }

    @Test
    void theLeadingZeroByteOfOpenssl11IsNamedAndDropped() throws Exception {
        KeyMaterial m = read("p256_high_priv_only.hex");
        assertThat(m.note()).contains("leading 00:").contains("32-byte");
        byte[] s = ((ECPrivateKey) m.privateKey()).getS().toByteArray();
        assertThat(s).hasSize(33); // BigInteger's sign byte: the top bit is set
        assertThat(read("p256_openssl_text.txt").note()).isNull();
    }

    @Test
    void aShortScalarIsPaddedAndSaysSo() throws Exception {
        String hex = HexFormat.ofDelimiter(":").formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31});
        KeyMaterial m = reader.parse(("priv:\n    " + hex + "\n").getBytes(StandardCharsets.UTF_8), "pasted",
                PasswordSource.NONE).usable().get(0);
        assertThat(m.note()).contains("31 bytes").contains("00:");
        assertThat(((ECPrivateKey) m.privateKey()).getS().intValue() & 0xff).isEqualTo(31);
    }

    @Test
    void cArraysInOtherSpellingsAndCStrings() throws Exception {
        byte[] der = Files.readAllBytes(Fixtures.key("p256_public.der"));
        StringBuilder decimal = new StringBuilder("static const uint8_t k[] = { /* SPKI */\n");
        StringBuilder string = new StringBuilder("const char *k = \"");
        for (byte b : der) {
            decimal.append(b & 0xff).append(", // byte\n");
            string.append(String.format("\\x%02X", b & 0xff));
        }
        decimal.append("};");
        string.append("\";");
        byte[] expected = read("p256_public.pem").publicHalf().getEncoded();
        assertThat(parse(decimal.toString())).isEqualTo(expected);
        assertThat(parse(string.toString())).isEqualTo(expected);
    }

    @Test
    void ambiguousHexIsReadTheWayItWasMeant() throws Exception {
        String fingerprint = "b8b67e73e6ceae59ad45643fcfa8b3d5388be8d53d9659d57771b8d68f77d4ff";
        assertThatThrownBy(() -> parse(fingerprint)).isInstanceOf(InputException.class)
                .hasMessageContaining("text without a PEM block");
        String scalar30 = "30:" + HexFormat.ofDelimiter(":").formatHex(new byte[30]) + ":01";
        KeyMaterial m = reader.parse(scalar30.getBytes(StandardCharsets.UTF_8), "pasted", PasswordSource.NONE).usable()
                .get(0);
        assertThat(m.container()).isEqualTo(Container.RAW_EC_SCALAR);
        assertThat(((ECPrivateKey) m.privateKey()).getS().toByteArray()[0]).isEqualTo((byte) 0x30);
        String header = Files.readString(Fixtures.key("p256_sec1_c_array.h"));
        byte[] expected = read("p256_sec1.pem").publicHalf().getEncoded();
        assertThat(parse(header + "\n" + header.replace("p256_sec1_der", "other"))).isEqualTo(expected);
        String fragment = header.substring(header.indexOf('{') + 1, header.indexOf('}')).strip();
        assertThat(parse(fragment)).isEqualTo(expected);
        assertThat(parse(fragment.replace(",", "U,"))).isEqualTo(expected);
    }

    @Test
    void badTextFormsAreOneLineRefusals() throws Exception {
        String text = Files.readString(Fixtures.key("p256_openssl_text.txt"));
        String otherPub = Files.readString(Fixtures.key("p256_high_openssl11_text.txt"));
        String mismatched = text.substring(0, text.indexOf("pub:")) + otherPub.substring(otherPub.indexOf("pub:"));
        assertThatThrownBy(() -> parse(mismatched)).isInstanceOf(InputException.class)
                .hasMessageContaining("do not belong together");
        assertThatThrownBy(() -> parse(text.replace("prime256v1", "secp384r1")))
                .hasMessageContaining("secp384r1").hasMessageContaining("P-256");
        String order = "ff:ff:ff:ff:00:00:00:00:ff:ff:ff:ff:ff:ff:ff:ff:bc:e6:fa:ad:a7:17:9e:84:f3:b9:ca:c2:fc:63:25:51";
        assertThatThrownBy(() -> parse("priv:\n" + order)).hasMessageContaining("curve order");
        assertThatThrownBy(() -> parse("{ 0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,"
                + " 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00 }"))
                .isInstanceOf(InputException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> parse("{ 0x30, 0x1ff }")).hasMessageContaining("not one of bytes");
    }
}
