package dev.iotjwt.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iotjwt.broker.tls.HandshakeObservation.FirstBytes;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** IANA names, OpenSSL translation, and the first-bytes classification. */
class TlsNamesTest {

    @Test
    void suites() {
        assertThat(TlsNames.suite(0xc02b)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(TlsNames.suite(0xcca9)).isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(TlsNames.suite(0xc0ae)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8");
        assertThat(TlsNames.suite(0x002f)).isEqualTo("TLS_RSA_WITH_AES_128_CBC_SHA");
        assertThat(TlsNames.suite(0x1305)).isEqualTo("TLS_AES_128_CCM_8_SHA256");
        assertThat(TlsNames.suite(0x00ff)).isEqualTo("TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        assertThat(TlsNames.suite(0x5a5a)).isEqualTo("GREASE");
        assertThat(TlsNames.suite(0x1234)).isEqualTo("0x1234");
        assertThat(TlsNames.isGrease(0x0a0a)).isTrue();
        assertThat(TlsNames.isGrease(0x0a1a)).isFalse();
    }

    @Test
    void everySuiteTheJdkSupportsHasAName() throws Exception {
        for (String s : SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()) {
            assertThat(TlsNames.suiteId(s)).as(s).isPositive();
        }
    }

    @Test
    void openSslTranslation() {
        assertThat(TlsNames.openSslSuite("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
                .isEqualTo("ECDHE-ECDSA-AES128-GCM-SHA256");
        assertThat(TlsNames.openSslSuite("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEqualTo("ECDHE-RSA-CHACHA20-POLY1305");
        assertThat(TlsNames.openSslSuite("TLS_RSA_WITH_AES_128_CBC_SHA")).isEqualTo("AES128-SHA");
        assertThat(TlsNames.openSslSuite("TLS_AES_128_GCM_SHA256")).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(TlsNames.ianaSuite("ECDHE-ECDSA-AES256-GCM-SHA384"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        assertThat(TlsNames.ianaSuite("SSL_RSA_WITH_3DES_EDE_CBC_SHA")).isEqualTo("TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        assertThat(TlsNames.isTls13Suite("TLS_CHACHA20_POLY1305_SHA256")).isTrue();
        assertThat(TlsNames.isTls13Suite("ECDHE-RSA-AES128-SHA")).isFalse();
    }

    @Test
    void groupsSchemesVersionsAlerts() {
        assertThat(TlsNames.group(0x11ec)).isEqualTo("X25519MLKEM768");
        assertThat(TlsNames.group(0x0017)).isEqualTo("secp256r1");
        assertThat(TlsNames.group(0x0100)).isEqualTo("ffdhe2048");
        assertThat(TlsNames.groupId("P-256")).isEqualTo(0x0017);
        assertThat(TlsNames.groupId("prime256v1")).isEqualTo(0x0017);
        assertThat(TlsNames.openSslGroup("secp256r1")).isEqualTo("P-256");
        assertThat(TlsNames.openSslGroup("x25519")).isEqualTo("X25519");
        assertThat(TlsNames.signatureScheme(0x0403)).isEqualTo("ecdsa_secp256r1_sha256");
        assertThat(TlsNames.signatureScheme(0x0807)).isEqualTo("ed25519");
        assertThat(TlsNames.version(0x0303)).isEqualTo("TLSv1.2");
        assertThat(TlsNames.version(0x7f1c)).isEqualTo("TLSv1.3-draft28");
        assertThat(TlsNames.alert(48)).isEqualTo("unknown_ca");
        assertThat(TlsNames.alertId("unrecognized_name")).isEqualTo(112);
    }

    @Test
    void firstBytes() {
        assertThat(TlsStage.classify(new byte[0])).isEqualTo(FirstBytes.NONE);
        assertThat(TlsStage.classify(new byte[] {0x16, 3, 1, 0, 5})).isEqualTo(FirstBytes.TLS);
        assertThat(TlsStage.classify(new byte[] {0x15, 3, 3, 0, 2})).isEqualTo(FirstBytes.TLS);
        assertThat(TlsStage.classify(new byte[] {0x10, 0x12, 0, 4, 'M'})).isEqualTo(FirstBytes.MQTT);
        for (String m : new String[] {"GET / HTTP/1.1", "POST /x", "HEAD /", "PUT /", "CONNECT a:1 HTTP/1.1"}) {
            assertThat(TlsStage.classify(m.getBytes(StandardCharsets.US_ASCII))).as(m).isEqualTo(FirstBytes.HTTP);
        }
        assertThat(TlsStage.classify(new byte[] {(byte) 0x80, 0x2e, 1, 3, 1})).isEqualTo(FirstBytes.OTHER);
        assertThat(TlsStage.classify("SSH-2.0-x".getBytes(StandardCharsets.US_ASCII))).isEqualTo(FirstBytes.OTHER);
    }
}
