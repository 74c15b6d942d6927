package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.ConnectPacket;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.RawMode;
import dev.iotjwt.testsupport.net.RawTestServer;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code iotjwt connect} against real TLS servers on 127.0.0.1, one per failure of failure-modes.md. Host names such
 * as broker.test and the profiles' hosts resolve to loopback through -Djdk.net.hosts.file (see pom.xml).
 */
class ConnectCommandTest {
    private static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/reg-1/devices/dev-1";
    private static TestPki pki;
    private static TestPki other;
    private static Path rootPem;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.ecRoot("Test Root R1", Fixtures.NOW);
        other = TestPki.ecRoot("Other Root", Fixtures.NOW);
        rootPem = pki.writeRootPem(dir.resolve("root.pem"));
    }

    private static CliRun connect(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("connect", "--host", "broker.test", "--port",
                String.valueOf(port), "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--format", "json"));
        args.addAll(List.of(extra));
        if (!args.contains("--timeout")) {
            args.addAll(List.of("--timeout", "3s"));
        }
        return CliRun.run(args.toArray(String[]::new));
    }

    private static JsonObject json(CliRun r) {
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private static String cause(CliRun r) {
        JsonObject o = json(r);
        return o.get("cause").isJsonNull() ? null : o.getAsJsonObject("cause").get("code").getAsString();
    }

    private static String status(CliRun r, String step) {
        for (var s : json(r).getAsJsonArray("steps")) {
            if (s.getAsJsonObject().get("id").getAsString().equals(step)) {
                return s.getAsJsonObject().get("status").getAsString();
            }
        }
        throw new AssertionError("no step " + step);
    }

    @Test
    void aHealthyConnectionPassesEveryStepAndSendsAVerifiableToken() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(0))
                .start()) {
            CliRun r = connect(server.port(), "--publish", "hello", "--subscribe", "config", "--wait", "200ms");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            for (String step : List.of("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session")) {
                assertThat(status(r, step)).as(step + "\n" + r.out()).isEqualTo("pass");
            }
            assertThat(r.out()).contains("TLSv1.3").contains("Test Root R1").contains("127.0.0.1:" + server.port());
            ConnectPacket c = server.connects().get(0);
            assertThat(c.protocolLevel()).isEqualTo(4);
            assertThat(c.clientId()).isEqualTo(CLIENT_ID);
            assertThat(c.username()).isEqualTo("unused");
            assertThat(c.sni()).isEqualTo("broker.test");
            SignedJWT jwt = SignedJWT.parse(c.password());
            assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) Fixtures.jdkPublicKey("p256_public.der", "EC"))))
                    .isTrue();
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("my-project");
            assertThat(r.out()).doesNotContain(c.password());
        }
    }

    @Test
    void textOutputShowsStepsCauseAndFix() {
        CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", String.valueOf(RawTestServer.unusedPort()),
                "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key", Fixtures.key("p256_sec1.pem").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("✔ dns").contains("✖ tcp").contains("– tls").contains("cause: tcp.refused")
                .contains("fix:");
    }

    @Test
    void dnsFailure() {
        CliRun r = CliRun.run("connect", "--host", "no-such-host.invalid", "--client-id", CLIENT_ID, "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--format", "json");
        assertThat(cause(r)).isEqualTo("dns.unresolved");
    }

    @Test
    void wrongRootNeverSendsTheToken() {
        try (TlsTestServer server = new TlsTestServer().chain(other.intermediate("Other CA 1").leaf("broker.test"))
                .start()) {
            CliRun r = connect(server.port());
            assertThat(cause(r)).isEqualTo("trust.unknown-ca");
            assertThat(r.out()).contains("Other Root").contains("Test Root R1");
            assertThat(status(r, "mqtt")).isEqualTo("skipped");
            assertThat(server.connects()).as("no CONNECT, so no token, over an unverified connection").isEmpty();
        }
    }

    @Test
    void hostNameMismatch() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("other.test")).start()) {
            assertThat(cause(connect(server.port()))).isEqualTo("trust.hostname-mismatch");
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void expiredAndNotYetValidCertificates() {
        Instant now = Instant.now();
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf(now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(30)), "broker.test")).start()) {
            assertThat(cause(connect(server.port()))).isEqualTo("trust.expired");
        }
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), "--device-time", "1970-01-01T00:00:10Z");
            assertThat(cause(r)).isIn("trust.not-yet-valid");
            assertThat(r.out()).contains("the device clock was never set");
        }
    }

    @Test
    void serverThatOmitsItsIntermediate() {
        TestPki inter = pki.intermediate("Test Intermediate");
        try (TlsTestServer server = new TlsTestServer().chain(inter.leaf("broker.test").leafOnly()).start()) {
            assertThat(cause(connect(server.port()))).isEqualTo("trust.incomplete-chain");
        }
    }

    @Test
    void deviceThatSendsNoSniGetsThePlaceholderCertificate() {
        try (TlsTestServer server = new TlsTestServer().chain(other.leaf("invalid2.invalid"))
                .sniChain("broker.test", pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), "--no-sni");
            assertThat(cause(r)).as(r.out()).isEqualTo("tls.sni-missing");
            assertThat(server.connects()).isEmpty();
        }
    }

    /** What the local broker does with --require-sni: the placeholder without SNI, its chain with SNI localhost. */
    @Test
    void anIpHostGettingTheNoSniPlaceholderIsMissingSniNotAnUnknownCa() {
        try (TlsTestServer server = new TlsTestServer().chain(other.leaf("invalid2.invalid"))
                .sniChain("localhost", pki.leaf("localhost", "127.0.0.1")).start()) {
            for (String[] target : List.of(new String[] {"--host", "127.0.0.1"},
                    new String[] {"--profile", "local", "--ca", rootPem.toString()})) {
                List<String> args = new ArrayList<>(List.of("connect", "--port", String.valueOf(server.port()),
                        "--client-id", CLIENT_ID, "--key", Fixtures.key("p256_sec1.pem").toString(), "--timeout", "3s"));
                args.addAll(List.of(target));
                if (target[0].equals("--host")) {
                    args.addAll(List.of("--ca", rootPem.toString()));
                }
                CliRun json = CliRun.run(concat(args, "--format", "json"));
                assertThat(cause(json)).as(json.out()).isEqualTo("tls.sni-missing");
                String hint = json(json).getAsJsonObject("cause").get("hint").getAsString();
                assertThat(hint).contains("--host NAME").contains("--sni NAME");
                CliRun text = CliRun.run(args.toArray(String[]::new));
                assertThat(text.out()).contains("cause: tls.sni-missing").contains("127.0.0.1 is an address")
                        .doesNotContain("interception");
            }
            assertThat(server.connects()).as("never a token over an unverified connection").isEmpty();
            // given the name the fix names, the same server verifies
            CliRun fixed = CliRun.run("connect", "--host", "127.0.0.1", "--sni", "localhost", "--port",
                    String.valueOf(server.port()), "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--timeout", "3s", "--format", "json");
            assertThat(status(fixed, "trust")).as(fixed.out()).isEqualTo("pass");
        }
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** A local broker started with another state folder has its own CA, named as every local broker's CA is. */
    @Test
    void aDifferentCaWithTheRootsNameShowsBothFingerprintsAndForLocalTheStateDirCa() {
        TestPki twin = TestPki.ecRoot("Test Root R1", Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(twin.leaf("broker.test").plus(twin.root())).start()) {
            CliRun plain = connect(server.port());
            assertThat(cause(plain)).as(plain.out()).isEqualTo("trust.unknown-ca");
            JsonObject c = json(plain).getAsJsonObject("cause");
            assertThat(c.get("message").getAsString()).contains("different CA with the same name")
                    .contains(dev.iotjwt.tls.Certificates.fingerprint(twin.root()))
                    .contains(dev.iotjwt.tls.Certificates.fingerprint(pki.root()));
            assertThat(c.get("hint").getAsString()).doesNotContain("interception").doesNotContain("state-dir");

            CliRun local = CliRun.run("connect", "--profile", "local", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--timeout", "3s");
            assertThat(local.exitCode()).isEqualTo(1);
            assertThat(local.out()).contains("cause: trust.unknown-ca").contains("same name")
                    .contains("fix:   another local broker's CA").contains("--ca <the broker's state-dir>/ca.pem")
                    .doesNotContain("GTS LTSR").doesNotContain("interception");
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void aRefusalByTheLocalBrokerPointsAtItsLogLine() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(5))
                .start()) {
            CliRun local = CliRun.run("connect", "--profile", "local", "--host", "broker.test", "--port",
                    String.valueOf(server.port()), "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--timeout", "3s", "--format", "json");
            assertThat(cause(local)).as(local.out()).isEqualTo("mqtt.connack.not-authorized");
            assertThat(json(local).getAsJsonObject("cause").get("hint").getAsString())
                    .contains("the local broker's log names the exact reason");
            CliRun elsewhere = connect(server.port());
            assertThat(cause(elsewhere)).isEqualTo("mqtt.connack.not-authorized");
            assertThat(json(elsewhere).getAsJsonObject("cause").get("hint").getAsString()).doesNotContain("log");
        }
    }

    /** The report is the session's log: a token pasted into the client id is shown without its signature. */
    @Test
    void aTokenPastedIntoTheClientIdLosesItsSignatureInTheReport() {
        String token = CliRun.run("mint", "--key", Fixtures.key("p256_sec1.pem").toString(), "--project",
                "my-project").out().strip();
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String pasted = CLIENT_ID + token;
        for (String format : List.of("text", "json")) {
            CliRun r = CliRun.run("connect", "--host", "broker.test", "--port",
                    String.valueOf(RawTestServer.unusedPort()), "--ca", rootPem.toString(), "--client-id", pasted,
                    "--jwt", token, "--format", format);
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.out() + r.err()).as(format).doesNotContain(signature)
                    .contains(CLIENT_ID + token.substring(0, token.lastIndexOf('.')) + ".<signature elided>");
        }
    }

    @Test
    void wrongSniIsRejected() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).requireSni("broker.test")
                .start()) {
            CliRun r = connect(server.port(), "--sni", "other.test");
            assertThat(cause(r)).as(r.out()).isEqualTo("tls.sni-rejected");
        }
    }

    @Test
    void noCommonTlsVersionNamesTheOneThatWorks() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).protocols("TLSv1.3").start()) {
            CliRun r = connect(server.port(), "--tls-version", "TLSv1.2");
            assertThat(cause(r)).as(r.out()).isEqualTo("tls.protocol-version");
            assertThat(r.out()).contains("TLS 1.3 only");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"HTTP_REPLY, tls.not-tls", "SILENT, tls.timeout", "CLOSE_AFTER_HELLO, tls.closed",
            "RESET_AFTER_HELLO, tls.closed"})
    void networkFaultsDuringTheHandshake(String mode, String code) throws Exception {
        RawMode m = (RawMode) RawMode.class.getField(mode).get(null);
        try (RawTestServer server = RawTestServer.start(m)) {
            CliRun r = connect(server.port(), "--timeout", "1s");
            assertThat(cause(r)).as(r.out()).isEqualTo(code);
            assertThat(status(r, "tcp")).isEqualTo("pass");
        }
    }

    @Test
    void tlsAlertsAreNamed() {
        try (RawTestServer server = RawTestServer.start(RawMode.alert(40))) {
            assertThat(cause(connect(server.port(), "--timeout", "1s"))).isEqualTo("tls.no-common-cipher");
        }
        try (RawTestServer server = RawTestServer.start(RawMode.alert(70))) {
            assertThat(cause(connect(server.port(), "--timeout", "1s"))).isEqualTo("tls.protocol-version");
        }
    }

    @ParameterizedTest(name = "CONNACK {0}")
    @CsvSource({"1, mqtt.connack.protocol", "2, mqtt.connack.client-id", "3, mqtt.connack.unavailable",
            "4, mqtt.connack.bad-credentials", "5, mqtt.connack.not-authorized"})
    void connackCodesMapToFindings(int code, String finding) {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(code))
                .start()) {
            CliRun r = connect(server.port());
            assertThat(cause(r)).as(r.out()).isEqualTo(finding);
            assertThat(status(r, "trust")).isEqualTo("pass");
        }
    }

    @Test
    void whenTheBrokerRefusesTheTokenProblemIsTheCause() throws Exception {
        String expired = CliRun.run("mint", "--key", Fixtures.key("p256_sec1.pem").toString(), "--project",
                "my-project", "--iat", "2026-11-24T10:00:00Z").out().strip();
        Path token = dir.resolve("token.txt");
        java.nio.file.Files.writeString(token, expired);
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(5))
                .start()) {
            CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", String.valueOf(server.port()), "--ca",
                    rootPem.toString(), "--client-id", CLIENT_ID, "--jwt", "@" + token, "--format", "json",
                    "--expect", "jwt.exp.expired");
            assertThat(cause(r)).isEqualTo("jwt.exp.expired");
            assertThat(r.exitCode()).as("--expect matches").isZero();
        }
    }

    @Test
    void expectOkFailsOnRefusalAndExpectCodeSucceeds() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(5))
                .start()) {
            assertThat(connect(server.port(), "--expect", "ok").exitCode()).isEqualTo(1);
            assertThat(connect(server.port(), "--expect", "mqtt.connack.not-authorized").exitCode()).isZero();
            assertThat(connect(server.port(), "--expect", "5").exitCode()).isZero();
        }
    }

    @Test
    void brokerThatClosesOrStaysSilentAfterConnect() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.CLOSE).start()) {
            assertThat(cause(connect(server.port()))).isEqualTo("mqtt.closed");
        }
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.SILENT)
                .start()) {
            assertThat(cause(connect(server.port(), "--timeout", "1s"))).isEqualTo("mqtt.timeout");
        }
    }

    @Test
    void caFileWarningsDevicesCareAbout() {
        TestPki old = TestPki.expiredRoot("Old Root");
        Path oldPem = old.writeRootPem(dir.resolve("old.pem"));
        TestPki inter = pki.intermediate("Some Intermediate");
        Path interPem = TestPki.writePem(dir.resolve("inter.pem"), inter.certificate());
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), "--ca", oldPem.toString(), "--ca", interPem.toString());
            assertThat(r.out()).contains("ca.expired").contains("ca.not-self-signed").contains("bytes");
        }
        CliRun empty = connect(1, "--ca", Fixtures.key("not_a_key.txt").toString());
        assertThat(cause(empty)).isEqualTo("ca.unreadable");
    }

    @Test
    void profileHostsResolveAndFillTheTarget() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("mqtt.2030.ltsapis.goog"))
                .mqtt(MqttMode.connack(0)).start()) {
            CliRun r = CliRun.run("connect", "--profile", "google-lts", "--port", String.valueOf(server.port()),
                    "--ca", rootPem.toString(), "--project", "my-project", "--registry", "reg-1", "--device",
                    "dev-1", "--key", Fixtures.key("rsa2048_pkcs1.pem").toString(), "--format", "json");
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(json(r).getAsJsonObject("target").get("host").getAsString())
                    .isEqualTo("mqtt.2030.ltsapis.goog");
            assertThat(server.connects().get(0).sni()).isEqualTo("mqtt.2030.ltsapis.goog");
        }
    }

    @Test
    void usageErrors() {
        assertThat(CliRun.run("connect", "--client-id", CLIENT_ID, "--key", "k.pem").err()).contains("--profile or"
                + " --host");
        assertThat(CliRun.run("connect", "--host", "h", "--key", "k.pem").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("connect", "--profile", "aws", "--client-id", "x", "--key", "k.pem").err())
                .contains("not one of");
        assertThat(CliRun.run("connect", "--host", "h", "--client-id", "x", "--key", "/no/such.pem").exitCode())
                .isEqualTo(3);
    }

    @Test
    void aServerTricklingBytesIsCutOffAtTheDeadline() {
        try (RawTestServer server = RawTestServer.start(RawMode.ONE_BYTE_PER_SECOND)) {
            long start = System.nanoTime();
            CliRun r = connect(server.port(), "--timeout", "1s");
            assertThat(cause(r)).as(r.out()).isEqualTo("tls.timeout");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the tls step and its follow-ups are bounded")
                    .isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void restrictedSuitesThatShareNoneWithTheServer() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), "--tls-version", "TLSv1.2", "--cipher",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            assertThat(cause(r)).as(r.out()).isEqualTo("tls.no-common-cipher");
            assertThat(r.out()).contains("the default suites");
        }
    }

    @Test
    void filteredPortTimesOut() {
        try (RawTestServer server = RawTestServer.start(RawMode.FULL_BACKLOG)) {
            org.junit.jupiter.api.Assumptions.assumeTrue(server.backlogFull(), "SYNs are dropped only on Linux");
            assertThat(cause(connect(server.port(), "--timeout", "1s"))).isEqualTo("tcp.timeout");
        }
    }

    @Test
    void aDeadFirstAddressIsSkippedAndTheDiagnosisSaysSo() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("multi.test")).mqtt(MqttMode.connack(0))
                .start()) {
            CliRun r = CliRun.run("connect", "--host", "multi.test", "--port", String.valueOf(server.port()), "--ca",
                    rootPem.toString(), "--client-id", CLIENT_ID, "--key", Fixtures.key("p256_sec1.pem").toString());
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).contains("127.0.0.2 refused").contains("after 1 dead address");
        }
    }

    @Test
    void droppedAfterConnectAndRefusedSubscription() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test"))
                .mqtt(MqttMode.closeAfter(Duration.ofMillis(300))).start()) {
            CliRun r = connect(server.port(), "--subscribe", "commands", "--wait", "3s");
            assertThat(cause(r)).as(r.out()).isEqualTo("mqtt.dropped");
            assertThat(status(r, "mqtt")).isEqualTo("pass");
        }
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(0))
                .subackCode(0x80).start()) {
            assertThat(cause(connect(server.port(), "--subscribe", "config"))).isEqualTo("mqtt.subscribe.rejected");
        }
    }

    @Test
    void serverDemandingAClientCertificateIsNamed() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).needClientAuth().start()) {
            CliRun r = connect(server.port());
            assertThat(cause(r)).as(r.out()).isIn("tls.alert", "tls.closed");
            assertThat(r.out()).containsAnyOf("client certificate", "dropped the connection");
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void aCaFileWithoutCertificatesIsEmpty() {
        CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", "1", "--ca",
                Fixtures.key("p256_pkcs8.pem").toString(), "--client-id", CLIENT_ID, "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--format", "json");
        assertThat(cause(r)).isEqualTo("ca.empty");
        assertThat(r.out()).contains("skipped a 'PRIVATE KEY' block");
    }

    @Test
    void stayReconnectsWithBackoffAfterADropAndRefreshesTheToken() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test"))
                .mqtt(MqttMode.closeAfter(Duration.ofMillis(300))).start()) {
            CliRun r = connect(server.port(), "--stay", "3s", "--subscribe", "config", "--wait", "100ms");
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).contains("dropped").contains("waiting").contains("connected again")
                    .contains("subscribed again");
            assertThat(server.connects().size()).isGreaterThanOrEqualTo(2);
        }
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(0))
                .start()) {
            CliRun r = connect(server.port(), "--stay", "3s", "--ttl", "2s");
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).contains("token refresh").contains("1 token refresh");
            assertThat(server.connects()).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(CliRun.run("connect", "--host", "h", "--client-id", "x", "--jwt", "a.b.c", "--stay", "1m")
                .err()).contains("--stay needs --key");
    }

    @Test
    void namedGroupsNeedJava20() {
        CliRun r = connect(1, "--group", "secp256r1");
        if (Runtime.version().feature() < 20) {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--group needs Java 20 or newer");
        } else {
            assertThat(cause(r)).isEqualTo("tcp.refused");
        }
    }

    private static JsonObject step(CliRun r, String id) {
        for (var s : json(r).getAsJsonArray("steps")) {
            if (s.getAsJsonObject().get("id").getAsString().equals(id)) {
                return s.getAsJsonObject();
            }
        }
        throw new AssertionError("no step " + id + " in " + r.out());
    }

    /** Issue 13, item 1: the SNI picks the certificate; it never changes the name the certificate is checked against. */
    @Test
    void theSniDoesNotChangeTheNameVerified() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("wrong.example")).start()) {
            String port = String.valueOf(server.port());
            String[] base = {"connect", "--host", "localhost", "--sni", "wrong.example", "--port", port, "--ca",
                    rootPem.toString(), "--client-id", CLIENT_ID, "--key", Fixtures.key("p256_sec1.pem").toString(),
                    "--timeout", "3s"};
            CliRun json = CliRun.run(concat(List.of(base), "--format", "json"));
            assertThat(json.exitCode()).as(json.out()).isEqualTo(1);
            assertThat(cause(json)).as(json.out()).isEqualTo("trust.hostname-mismatch");
            JsonObject trust = step(json, "trust");
            assertThat(trust.get("status").getAsString()).isEqualTo("fail");
            assertThat(trust.getAsJsonObject("facts").get("name verified").getAsString())
                    .isEqualTo("localhost (the host dialled)");
            assertThat(trust.getAsJsonObject("facts").get("SNI sent").getAsString()).isEqualTo("wrong.example");
            assertThat(json(json).getAsJsonObject("cause").get("hint").getAsString()).contains("--verify-name");
            CliRun text = CliRun.run(base);
            assertThat(text.exitCode()).isEqualTo(1);
            assertThat(text.out()).contains("do not include 'localhost'").contains("SNI sent: wrong.example")
                    .doesNotContain("localhost matches");
            // the tcp step's bare connections record no SNI; every TLS hello sent wrong.example
            assertThat(server.awaitHandshakes(4, Duration.ofSeconds(5))).extracting(TlsTestServer.Handshake::sni)
                    .contains("wrong.example").doesNotContain("localhost");
            assertThat(server.connects()).as("no token over a connection whose name did not verify").isEmpty();

            CliRun named = CliRun.run(concat(List.of(base), "--verify-name", "wrong.example", "--format", "json"));
            assertThat(named.exitCode()).as(named.out()).isZero();
            JsonObject ok = step(named, "trust");
            assertThat(ok.get("status").getAsString()).isEqualTo("pass");
            assertThat(ok.get("summary").getAsString()).contains("the certificate names wrong.example (given with"
                    + " --verify-name), SNI sent: wrong.example");
            assertThat(ok.getAsJsonObject("facts").get("name verified").getAsString())
                    .isEqualTo("wrong.example (given with --verify-name)");
            assertThat(server.connects()).hasSize(1);
        }
    }

    /** A certificate for the host dialled verifies whatever SNI is sent, and the report says which SNI that was. */
    @Test
    void theHostDialledVerifiesWithAnotherSni() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), "--sni", "alias.example");
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(step(r, "trust").get("summary").getAsString()).contains("the certificate names broker.test"
                    + " (the host dialled), SNI sent: alias.example");
            CliRun wrongName = connect(server.port(), "--verify-name", "other.example");
            assertThat(cause(wrongName)).as(wrongName.out()).isEqualTo("trust.hostname-mismatch");
            assertThat(server.connects()).hasSize(1);
        }
    }

    /** Issue 13, item 2: the usual spellings of a TLS version, each offered as the JSSE name. */
    @Test
    void tlsVersionSpellings() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).protocols("TLSv1.2").start()) {
            for (String v : List.of("1.2", "tls1.2", "TLSv1.2", "tlsv1_2", "TLSV1.2")) {
                CliRun r = connect(server.port(), "--tls-version", v);
                assertThat(r.exitCode()).as(v + "\n" + r.out() + r.err()).isZero();
                assertThat(step(r, "tls").getAsJsonObject("facts").get("offered versions").getAsString())
                        .isEqualTo("TLSv1.2");
            }
        }
    }

    /** Issue 13, item 2: a value no TLS stack knows, or options that contradict, are usage errors before any network. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--tls-version banana | 'banana' is not a TLS version: give 1.2 or 1.3",
            "--tls-version 2.0 | '2.0' is not a TLS version",
            "--cipher TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA265 | did you mean TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256?",
            "--group secp256r2 | 'secp256r2' is not a named group: did you mean secp256r1?",
            "--signature-scheme ecdsa_secp256r1_sha265 | did you mean ecdsa_secp256r1_sha256?",
            "--sni a.example --no-sni | --sni=NAME, --no-sni are mutually exclusive",
            "--topic state | --topic goes with --publish",
            "--wait 1s | --wait goes with --subscribe"})
    void badValuesAndContradictionsAreUsageErrors(String options, String message) {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).start()) {
            CliRun r = connect(server.port(), options.split(" "));
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(message).startsWith("iotjwt: ");
            assertThat(r.out()).isEmpty();
            assertThat(server.acceptedConnections()).as("no network step").isZero();
        }
    }

    @Test
    void otherSpellingsOfSuitesGroupsAndSchemesAreAccepted() {
        CliRun r = connect(1, "--cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "--cipher",
                "tls_aes_128_gcm_sha256", "--signature-scheme", "ECDSA_SECP256R1_SHA256", "--group", "P-256");
        if (Runtime.version().feature() >= 20) {
            assertThat(cause(r)).as(r.err()).isEqualTo("tcp.refused");
        } else {
            assertThat(r.err()).contains("--group needs Java 20");
        }
    }

    @Test
    void aTokenFromElsewhereTakesNoTtl() {
        CliRun r = CliRun.run("connect", "--host", "broker.test", "--client-id", CLIENT_ID, "--jwt", "a.b.c", "--ttl",
                "5m");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--ttl goes with --key");
    }
}
