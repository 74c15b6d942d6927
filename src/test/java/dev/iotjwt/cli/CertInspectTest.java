package dev.iotjwt.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt cert inspect} on bundles and on a real TLS server on 127.0.0.1, judged at the fixed clock. */
class CertInspectTest {
    @TempDir
    Path dir;

    private static List<String> codes(JsonObject cert) {
        List<String> out = new ArrayList<>();
        for (var w : cert.getAsJsonArray("warnings")) {
            out.add(w.getAsJsonObject().get("code").getAsString());
        }
        return out;
    }

    @Test
    void aBundleWithWhatBreaksDevices() {
        TestPki root = TestPki.ecRoot("Good Root", Fixtures.NOW);
        TestPki intermediate = root.intermediate("Some Intermediate");
        TestPki.Issued expiring = root.leaf(Fixtures.NOW.minus(Duration.ofDays(300)),
                Fixtures.NOW.plus(Duration.ofDays(30)), "device.example");
        Path bundle = TestPki.writePem(dir.resolve("bundle.pem"), root.root(), intermediate.certificate(),
                TestPki.expiredRoot("Old Root").root(), TestPki.ecP384Root("Big Root", Fixtures.NOW).root(), expiring.cert());
        CliRun r = CliRun.run("cert", "inspect", bundle.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray certs = o.getAsJsonArray("certificates");
        assertThat(certs).hasSize(5);
        assertThat(codes(certs.get(0).getAsJsonObject())).isEmpty();
        assertThat(certs.get(0).getAsJsonObject().get("selfSigned").getAsBoolean()).isTrue();
        assertThat(certs.get(0).getAsJsonObject().get("ca").getAsBoolean()).isTrue();
        assertThat(codes(certs.get(1).getAsJsonObject())).containsExactly("cert.not-a-root");
        assertThat(codes(certs.get(2).getAsJsonObject())).contains("cert.expired");
        assertThat(codes(certs.get(3).getAsJsonObject())).contains("cert.heavy-key");
        assertThat(codes(certs.get(4).getAsJsonObject())).contains("cert.expiring", "cert.not-a-root");
        assertThat(certs.get(4).getAsJsonObject().get("daysLeft").getAsLong()).isEqualTo(30);
        assertThat(certs.get(4).getAsJsonObject().getAsJsonArray("sans").get(0).getAsString())
                .isEqualTo("device.example");
        long total = 0;
        for (var c : certs) {
            total += c.getAsJsonObject().get("derBytes").getAsLong();
        }
        assertThat(o.get("totalBytes").getAsLong()).isEqualTo(total);
        CliRun text = CliRun.run("cert", "inspect", bundle.toString());
        assertThat(text.out()).contains("5 certificates, " + total + " bytes of DER")
                .contains("! cert.expiring: 'device.example' expires on").contains("30 days left")
                .contains("✖ cert.expired").contains("EC P-384");
    }

    @Test
    void theChainAServerPresentsWithOrWithoutTrustingIt() throws Exception {
        TestPki root = TestPki.ecRoot("Bench Root", Fixtures.NOW);
        TestPki intermediate = root.intermediate("Bench Intermediate");
        Path rootFile = root.writeRootPem(dir.resolve("root.pem"));
        try (TlsTestServer server = new TlsTestServer().chain(intermediate.leaf("broker.test"))
                .mqtt(MqttMode.NONE).start()) {
            CliRun untrusted = CliRun.run("cert", "inspect", "--host", "broker.test", "--port",
                    String.valueOf(server.port()));
            assertThat(untrusted.exitCode()).as(untrusted.err()).isZero();
            assertThat(untrusted.out()).contains("2 certificates").contains("chain does not verify")
                    .contains("[0] CN=broker.test").contains("[1] CN=Bench Intermediate")
                    .doesNotContain("cert.not-a-root");
            CliRun trusted = CliRun.run("cert", "inspect", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--ca", rootFile.toString(), "--format", "json");
            JsonObject o = JsonParser.parseString(trusted.out()).getAsJsonObject();
            assertThat(o.get("trusted").getAsBoolean()).isTrue();
            assertThat(o.get("protocol").getAsString()).startsWith("TLSv1.");
        }
        CliRun closed = CliRun.run("cert", "inspect", "--host", "127.0.0.1", "--port",
                String.valueOf(dev.iotjwt.testsupport.net.RawTestServer.unusedPort()), "--timeout", "2s");
        assertThat(closed.exitCode()).isEqualTo(3);
        assertThat(closed.err()).contains("no certificate arrived").hasLineCount(2);
    }

    @Test
    void usageErrors() {
        assertThat(CliRun.run("cert", "inspect").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("cert", "inspect", "x.pem", "--host", "h").exitCode()).isEqualTo(2);
        CliRun key = CliRun.run("cert", "inspect", Fixtures.key("p256_sec1.pem").toString());
        assertThat(key.exitCode()).isEqualTo(3);
        assertThat(key.err()).contains("holds no certificate");
    }
}
