package dev.iotjwt.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.CuttingProxy;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.RawMode;
import dev.iotjwt.testsupport.net.RawTestServer;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Network faults against the real {@code iotjwt connect} (issue 8): servers that never answer, trickle, reset in the
 * middle of the handshake, send a 100-certificate chain or a 1 MB certificate, close after CONNECT, send a malformed
 * CONNACK, or drop the connection after a while; and a host whose addresses are dead. Every case must end within
 * its bound ({@code --timeout} per step, plus a margin for the JVM and the loopback servers: a correctness bound,
 * not a benchmark), exit 1, name the right cause and the right failing step, and never send the token over a
 * connection whose trust did not pass.
 */
class ConnectFaultTest {
    private static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/reg-1/devices/dev-1";
    /** What the JVM, key loading, the loopback servers and closing take beyond the bound of the slow step. */
    private static final Duration MARGIN = Duration.ofSeconds(3);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final List<String> STEPS = List.of("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session");

    private static TestPki pki;
    private static Path rootPem;

    @TempDir
    static Path dir;

    @BeforeAll
    static void pki() {
        pki = TestPki.ecRoot("Fault Root", Fixtures.NOW);
        rootPem = pki.writeRootPem(dir.resolve("root.pem"));
    }

    /** One run of connect: what it printed and how long it took. */
    private record Run(CliRun cli, Duration took, JsonObject json) {
        String cause() {
            JsonElement c = json.get("cause");
            return c == null || c.isJsonNull() ? null : c.getAsJsonObject().get("code").getAsString();
        }

        String causeMessage() {
            return json.getAsJsonObject("cause").get("message").getAsString();
        }

        String causeHint() {
            JsonElement h = json.getAsJsonObject("cause").get("hint");
            return h == null || h.isJsonNull() ? "" : h.getAsString();
        }

        JsonObject step(String id) {
            for (JsonElement s : json.getAsJsonArray("steps")) {
                if (s.getAsJsonObject().get("id").getAsString().equals(id)) {
                    return s.getAsJsonObject();
                }
            }
            throw new AssertionError("no step " + id + " in " + cli.out());
        }

        String status(String id) {
            return step(id).get("status").getAsString();
        }

        String fact(String step, String name) {
            JsonElement f = step(step).getAsJsonObject("facts").get(name);
            return f == null ? null : f.getAsString();
        }

        /** The one failing step; the steps before it did not fail and the ones after it were skipped. */
        String failedStep() {
            String failed = null;
            for (String id : STEPS) {
                String s = status(id);
                if (failed != null) {
                    assertThat(s).as("after the failed %s step, %s\n%s", failed, id, cli.out()).isEqualTo("skipped");
                } else if (s.equals("fail")) {
                    failed = id;
                }
            }
            return failed;
        }

        @Override
        public String toString() {
            return "took " + took.toMillis() + " ms, exit " + cli.exitCode() + "\n" + cli.out() + cli.err();
        }
    }

    private static Run connect(String host, int port, Duration timeout, String... extra) {
        List<String> args = new ArrayList<>(List.of("connect", "--host", host, "--port", String.valueOf(port),
                "--ca", rootPem.toString(), "--client-id", CLIENT_ID, "--key", Fixtures.key("p256_sec1.pem").toString(),
                "--format", "json", "--timeout", timeout.toMillis() + "ms"));
        args.addAll(List.of(extra));
        long start = System.nanoTime();
        CliRun r = CliRun.run(args.toArray(String[]::new));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        JsonObject json;
        try {
            json = JsonParser.parseString(r.out()).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new AssertionError("connect printed no JSON diagnosis (exit " + r.exitCode() + "):\n" + r.out()
                    + r.err(), e);
        }
        return new Run(r, took, json);
    }

    private static Run connect(int port, Duration timeout, String... extra) {
        return connect("broker.test", port, timeout, extra);
    }

    /** Exit 1, no stack trace, the cause and the failing step as given, and the run ended within {@code bound}. */
    private static void assertDiagnosed(Run r, String cause, String step, Duration bound) {
        assertThat(r.cli().exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.cli().err()).as("no stack trace, no internal error").doesNotContain("\tat ")
                .doesNotContain("Exception in");
        assertThat(r.cause()).as(r.toString()).isEqualTo(cause);
        assertThat(r.failedStep()).as(r.toString()).isEqualTo(step);
        assertThat(r.took()).as("ended within its bound of %s ms: %s", bound.toMillis(), r).isLessThan(bound);
        assertThat(r.causeMessage()).as("a cause message that says something").hasSizeGreaterThan(20);
    }

    private static TlsTestServer broker(MqttMode mode) {
        return new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(mode).start();
    }

    // ---- below TLS: accept and never answer, trickle, drop after a while ----

    @Test
    void aServerThatAcceptsAndNeverAnswersTimesOutWithinTheBound() {
        try (RawTestServer server = RawTestServer.start(RawMode.SILENT)) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "tls.timeout", "tls", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).contains(String.valueOf(TIMEOUT.toMillis()));
            assertThat(server.received()).as("the ClientHello arrived").isNotEmpty();
        }
    }

    @Test
    void aServerAnsweringOneBytePerSecondIsCutOffAtTheDeadline() {
        try (RawTestServer server = RawTestServer.start(RawMode.ONE_BYTE_PER_SECOND)) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "tls.timeout", "tls", TIMEOUT.plus(MARGIN));
        }
    }

    @Test
    void aServerThatDropsTheTcpConnectionAfterASecondClosedTheHandshake() {
        Duration timeout = Duration.ofSeconds(3);
        try (RawTestServer server = RawTestServer.start(RawMode.closeAfter(Duration.ofSeconds(1)))) {
            Run r = connect(server.port(), timeout);
            assertDiagnosed(r, "tls.closed", "tls", timeout.plus(MARGIN));
            assertThat(r.took()).as("the drop came after 1 s").isGreaterThan(Duration.ofMillis(900));
        }
    }

    @Test
    void aServerThatDropsTheTcpConnectionOnlyAfterTheBoundIsATimeout() {
        try (RawTestServer server = RawTestServer.start(RawMode.closeAfter(Duration.ofSeconds(8)))) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "tls.timeout", "tls", TIMEOUT.plus(MARGIN));
        }
    }

    // ---- in the middle of the handshake ----

    /** 60 bytes: inside the ServerHello; 200: after it, inside the encrypted flight; 700: inside the certificate. */
    @ParameterizedTest(name = "reset after {0} bytes of the server's answer")
    @ValueSource(ints = {60, 200, 700})
    void aResetInTheMiddleOfTheHandshakeIsAClosedHandshake(int bytes) {
        try (TlsTestServer server = broker(MqttMode.connack(0));
             CuttingProxy proxy = CuttingProxy.start(server.port(), bytes)) {
            Run r = connect(proxy.port(), TIMEOUT);
            assertDiagnosed(r, "tls.closed", "tls", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).containsIgnoringCase("reset");
            assertThat(proxy.forwarded()).as("the proxy cut the server's answer").isNotEmpty()
                    .allSatisfy(n -> assertThat(n).isEqualTo(bytes));
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void aChainOf100CertificatesIsRefusedAndSaidPlainly() {
        TestPki.LongChain chain = TestPki.longChain(100, Fixtures.NOW, "broker.test");
        assertThat(chain.issued().chain()).hasSize(100);
        Path root = TestPki.writePem(dir.resolve("long-root.pem"), chain.root());
        try (TlsTestServer server = new TlsTestServer().chain(chain.issued()).mqtt(MqttMode.connack(0)).start()) {
            Run r = connect(server.port(), TIMEOUT, "--ca", root.toString());
            assertThat(r.cause()).as(r.toString()).isIn("tls.chain-too-long", "tls.message-too-large");
            assertDiagnosed(r, r.cause(), "tls", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).contains("32768").contains("jdk.tls.maxHandshakeMessageSize");
            assertThat(r.causeHint()).contains("not the broker");
            assertThat(server.connects()).as("no token over an unverified connection").isEmpty();
        }
    }

    @Test
    void aChainLongerThanJavaAcceptsButSmallEnoughToArriveIsCounted() {
        TestPki.LongChain chain = TestPki.longChain(14, Fixtures.NOW, "broker.test");
        Path root = TestPki.writePem(dir.resolve("long14-root.pem"), chain.root());
        try (TlsTestServer server = new TlsTestServer().chain(chain.issued()).mqtt(MqttMode.connack(0)).start()) {
            Run r = connect(server.port(), TIMEOUT, "--ca", root.toString());
            assertDiagnosed(r, "tls.chain-too-long", "tls", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).contains("more than 10 certificates").contains("at most 10")
                    .contains("jdk.tls.maxCertificateChainLength");
            assertThat(r.causeHint()).contains("not the broker");
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void aOneMegabyteCertificateIsRefusedAndSaidPlainly() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leafWithFiller(1 << 20, "broker.test"))
                .mqtt(MqttMode.connack(0)).start()) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "tls.message-too-large", "tls", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).contains("32768").contains("jdk.tls.maxHandshakeMessageSize");
            assertThat(server.connects()).isEmpty();
        }
    }

    // ---- after TLS: CONNECT sent ----

    @Test
    void aBrokerThatClosesAfterConnect() {
        try (TlsTestServer server = broker(MqttMode.CLOSE)) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "mqtt.closed", "mqtt", TIMEOUT.plus(MARGIN));
            assertThat(r.status("trust")).isEqualTo("pass");
            assertThat(server.connects()).hasSize(1);
        }
    }

    @Test
    void aBrokerThatNeverAnswersConnect() {
        try (TlsTestServer server = broker(MqttMode.SILENT)) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "mqtt.timeout", "mqtt", TIMEOUT.plus(MARGIN));
            assertThat(r.took()).isGreaterThan(TIMEOUT.minusMillis(100));
        }
    }

    private static byte[] b(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static Stream<Arguments> malformedConnacks() {
        byte[] endless = new byte[65];
        endless[0] = 0x20;
        java.util.Arrays.fill(endless, 1, endless.length, (byte) 0xFF);
        return Stream.of(
                Arguments.of(MqttMode.reply("a PUBLISH instead of a CONNACK", b(0x30, 0x0A, 0x00, 0x03, 'a', '/', 'b',
                        'h', 'e', 'l', 'l', 'o')), "PUBLISH"),
                Arguments.of(MqttMode.reply("a SUBACK instead of a CONNACK", b(0x90, 0x03, 0x00, 0x01, 0x00)),
                        "SUBACK"),
                Arguments.of(MqttMode.reply("packet type 0", b(0x00, 0x02, 0x00, 0x00)), "type 0"),
                Arguments.of(MqttMode.reply("packet type 15", b(0xF0, 0x00)), "type 15"),
                Arguments.of(MqttMode.reply("a CONNACK with remaining length 3", b(0x20, 0x03, 0x00, 0x00, 0x00)),
                        "remaining length 3"),
                Arguments.of(MqttMode.reply("a CONNACK with remaining length 0", b(0x20, 0x00)), "remaining length 0"),
                Arguments.of(MqttMode.reply("a CONNACK with return code 6", b(0x20, 0x02, 0x00, 0x06)),
                        "return code 6"),
                Arguments.of(MqttMode.reply("a CONNACK with return code 0x87", b(0x20, 0x02, 0x00, 0x87)), "MQTT 5"),
                Arguments.of(MqttMode.reply("a CONNACK with return code 255", b(0x20, 0x02, 0x00, 0xFF)),
                        "return code 255"),
                Arguments.of(MqttMode.reply("a CONNACK with reserved flag bits", b(0x20, 0x02, 0x0E, 0x00)), "flag"),
                Arguments.of(MqttMode.reply("a remaining length that never ends", endless), "never ends"),
                Arguments.of(MqttMode.reply("a remaining length of 268 MB", b(0x20, 0xFF, 0xFF, 0xFF, 0x7F)),
                        "268435455"),
                Arguments.of(MqttMode.reply("a truncated CONNACK, then silence", b(0x20, 0x02, 0x00)), "20 02 00"),
                Arguments.of(MqttMode.replyAndClose("a truncated CONNACK, then close", b(0x20, 0x02)), "20 02"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedConnacks")
    void aMalformedConnackIsNamed(MqttMode mode, String said) {
        try (TlsTestServer server = broker(mode)) {
            Run r = connect(server.port(), TIMEOUT);
            assertDiagnosed(r, "mqtt.malformed-connack", "mqtt", TIMEOUT.plus(MARGIN));
            assertThat(r.causeMessage()).contains(said);
            assertThat(r.status("trust")).as("the token went only over a verified connection").isEqualTo("pass");
            assertThat(r.fact("mqtt", "CONNACK")).isNotEqualTo("0 (accepted)");
        }
    }

    @Test
    void aBrokerThatDropsTheConnectionAfterConnack() {
        Duration wait = Duration.ofSeconds(3);
        try (TlsTestServer server = broker(MqttMode.closeAfter(Duration.ofMillis(500)))) {
            Run r = connect(server.port(), TIMEOUT, "--subscribe", "commands", "--wait", wait.toMillis() + "ms");
            assertDiagnosed(r, "mqtt.dropped", "session", wait.plus(TIMEOUT).plus(MARGIN));
            assertThat(r.status("mqtt")).isEqualTo("pass");
            assertThat(r.took()).as("the drop ends the wait").isLessThan(wait.plus(MARGIN));
        }
    }

    // ---- several addresses ----

    @Test
    void aDeadFirstAddressIsSkippedAndTheDiagnosisSaysSo() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("multi.test")).mqtt(MqttMode.connack(0))
                .start()) {
            Run r = connect("multi.test", server.port(), TIMEOUT);
            assertThat(r.cli().exitCode()).as(r.toString()).isZero();
            assertThat(r.fact("dns", "addresses")).isEqualTo("127.0.0.2, 127.0.0.1");
            assertThat(r.fact("tcp", "failed first")).isEqualTo("127.0.0.2 refused");
            assertThat(r.fact("tcp", "connected")).isEqualTo("127.0.0.1:" + server.port());
            assertThat(r.step("tcp").get("summary").getAsString()).contains("after 1 dead address");
            assertThat(server.connects()).hasSize(1);
        }
    }

    @Test
    void whenEveryAddressIsDeadEachIsTriedAndNamed() {
        int port = RawTestServer.unusedPort();
        Run r = connect("multi.test", port, TIMEOUT);
        assertDiagnosed(r, "tcp.refused", "tcp", TIMEOUT.multipliedBy(2).plus(MARGIN));
        assertThat(r.fact("tcp", "tried")).isEqualTo("127.0.0.2 refused; 127.0.0.1 refused");
        assertThat(r.causeMessage()).contains("127.0.0.2").contains("127.0.0.1");
    }
}
