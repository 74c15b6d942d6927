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
                    .contains("SNI        broker.test")
                    .contains("✖ trust.unknown-ca: the server's chain ends at 'Bench Root', which the JDK's trust"
                            + " store does not hold").contains("fix: give the broker's root CA with --ca")
                    .doesNotContain("cert.not-a-root").doesNotContain("Exception").doesNotContain("sun.");
            CliRun untrustedJson = CliRun.run("cert", "inspect", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--format", "json");
            JsonObject u = JsonParser.parseString(untrustedJson.out()).getAsJsonObject();
            assertThat(u.get("trusted").getAsBoolean()).isFalse();
            assertThat(u.get("trustProblem").getAsString()).isEqualTo("the server's chain ends at 'Bench Root',"
                    + " which the JDK's trust store does not hold");
            assertThat(u.get("sni").getAsString()).isEqualTo("broker.test");
            Path otherRoot = TestPki.ecRoot("Other Root", Fixtures.NOW).writeRootPem(dir.resolve("other.pem"));
            CliRun wrongRoot = CliRun.run("cert", "inspect", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--ca", otherRoot.toString());
            assertThat(wrongRoot.exitCode()).isZero();
            assertThat(wrongRoot.out()).contains("trust.unknown-ca: the server's chain ends at 'Bench Root', which is"
                    + " not among the roots given: 'Other Root'").doesNotContain("Exception");
            CliRun trusted = CliRun.run("cert", "inspect", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--ca", rootFile.toString(), "--format", "json");
            JsonObject o = JsonParser.parseString(trusted.out()).getAsJsonObject();
            assertThat(o.get("trusted").getAsBoolean()).isTrue();
            assertThat(o.get("protocol").getAsString()).startsWith("TLSv1.");
        }
    }

    @Test
    void aFailedConnectionIsAFindingWithExitOne() throws Exception {
        int unused = dev.iotjwt.testsupport.net.RawTestServer.unusedPort();
        CliRun refused = CliRun.run("cert", "inspect", "--host", "127.0.0.1", "--port", String.valueOf(unused),
                "--timeout", "2s");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).isEmpty();
        assertThat(refused.out()).startsWith("127.0.0.1:" + unused + ": no certificate arrived\n")
                .contains("SNI        none sent").contains("✖ tcp.refused: the connection to 127.0.0.1 port " + unused
                        + " was refused");
        CliRun dns = CliRun.run("cert", "inspect", "--host", "no.such.host.invalid", "--format", "json");
        assertThat(dns.exitCode()).isEqualTo(1);
        JsonObject o = JsonParser.parseString(dns.out()).getAsJsonObject();
        assertThat(o.getAsJsonArray("certificates")).isEmpty();
        assertThat(o.getAsJsonArray("findings").get(0).getAsJsonObject().get("code").getAsString())
                .isEqualTo("dns.unresolved");
        TestPki root = TestPki.ecRoot("Sni Root", Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(root.leaf("broker.test")).requireSni("broker.test")
                .mqtt(MqttMode.NONE).start()) {
            CliRun alert = CliRun.run("cert", "inspect", "--host", "broker.test", "--sni", "other.test", "--port",
                    String.valueOf(server.port()));
            assertThat(alert.exitCode()).as(alert.out()).isEqualTo(1);
            assertThat(alert.out()).contains("SNI        other.test").contains("✖ tls.sni-rejected: the server does"
                    + " not serve the SNI name sent");
        }
        try (dev.iotjwt.testsupport.net.RawTestServer plain = dev.iotjwt.testsupport.net.RawTestServer.start(
                dev.iotjwt.testsupport.net.RawMode.HTTP_REPLY)) {
            CliRun notTls = CliRun.run("cert", "inspect", "--host", "127.0.0.1", "--port",
                    String.valueOf(plain.port()), "--timeout", "2s");
            assertThat(notTls.exitCode()).isEqualTo(1);
            assertThat(notTls.out()).contains("✖ tls.").doesNotContain("Exception");
        }
    }

    @Test
    void theNoSniPlaceholderCertificateSaysTheClientMustSendSni() throws Exception {
        TestPki root = TestPki.ecRoot("Front End Root", Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(root.leaf("invalid2.invalid"))
                .sniChain("broker.test", root.leaf("broker.test")).mqtt(MqttMode.NONE).start()) {
            String port = String.valueOf(server.port());
            CliRun ip = CliRun.run("cert", "inspect", "--host", "127.0.0.1", "--port", port);
            assertThat(ip.exitCode()).as(ip.err()).isEqualTo(1);
            assertThat(ip.err()).isEmpty();
            assertThat(ip.out()).contains("SNI        none sent").contains("[0] CN=invalid2.invalid")
                    .contains("✖ tls.sni-missing: the server presented its placeholder certificate for clients that"
                            + " send no SNI ('invalid2.invalid'): no SNI was sent")
                    .contains("fix: the client must send the broker's host name as SNI");
            CliRun noSni = CliRun.run("cert", "inspect", "--host", "broker.test", "--no-sni", "--port", port,
                    "--format", "json");
            assertThat(noSni.exitCode()).isEqualTo(1);
            JsonObject o = JsonParser.parseString(noSni.out()).getAsJsonObject();
            assertThat(!o.has("sni") || o.get("sni").isJsonNull()).isTrue();
            assertThat(o.getAsJsonArray("findings").toString()).contains("tls.sni-missing");
            CliRun named = CliRun.run("cert", "inspect", "--host", "broker.test", "--port", port);
            assertThat(named.exitCode()).isZero();
            assertThat(named.out()).contains("SNI        broker.test").contains("[0] CN=broker.test")
                    .doesNotContain("sni-missing");
        }
    }

    @Test
    void usageErrors() {
        assertThat(CliRun.run("cert", "inspect").exitCode()).isEqualTo(2);
        CliRun both = CliRun.run("cert", "inspect", "x.pem", "--host", "h");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give a FILE or --host HOST, not both");
        CliRun key = CliRun.run("cert", "inspect", Fixtures.key("p256_sec1.pem").toString());
        assertThat(key.exitCode()).isEqualTo(3);
        assertThat(key.err()).contains("holds no certificate");
    }
}
