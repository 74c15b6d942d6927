package dev.iotjwt.cli;

import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device emulation that needs a newer JVM than 17 (SSLParameters.setSignatureSchemes, 19; setNamedGroups, 20). The
 * Maven profile "newer-java" runs this class on the Temurin JDK under /usr/lib/jvm; the default run excludes it.
 */
class NewerJavaTlsTest {
    @TempDir
    Path dir;

    @Test
    void aDeviceThatVerifiesOnlyP256MeetsAP384Certificate() {
        assertThat(Runtime.version().feature()).as("run by the newer-java profile").isGreaterThanOrEqualTo(20);
        TestPki pki = TestPki.ecP384Root("P-384 Root", Fixtures.NOW);
        Path root = pki.writeRootPem(dir.resolve("root.pem"));
        try (TlsTestServer server = new TlsTestServer().chain(pki.leafP384("broker.test")).start()) {
            CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", String.valueOf(server.port()), "--ca",
                    root.toString(), "--client-id", "projects/p/locations/us-central1/registries/reg/devices/dev",
                    "--key", Fixtures.key("p256_sec1.pem").toString(), "--signature-scheme", "ecdsa_secp256r1_sha256",
                    "--group", "secp256r1", "--format", "json");
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1);
            var cause = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("cause");
            assertThat(cause.get("code").getAsString()).isEqualTo("tls.no-common-cipher");
            assertThat(cause.get("message").getAsString()).contains("signature scheme").contains("P-384");
        }
    }
}
