package dev.iotjwt.bench;

import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.RecordingListener;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.RawMode;
import dev.iotjwt.testsupport.net.RawTestServer;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bench's simulated devices on both TLS engines (BoringSSL and the JDK's): a fleet against the real bridge, and
 * each fault a device can meet named with the code {@code connect} gives for it, produced by real servers.
 */
class LoadBenchTest {
    private static final String HOST = "mqtt.example.test";

    @TempDir
    Path dir;

    private static void engine(boolean nativeTls) {
        assumeTrue(!nativeTls || OpenSsl.isAvailable(), "BoringSSL's native library does not load here");
    }

    private static LoadBench.Settings settings(int port, String host, List<X509Certificate> roots, int devices,
                                               Duration timeout, Clock clock, boolean nativeTls) throws Exception {
        return new LoadBench.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), host, roots,
                devices, 2, 0, Duration.ZERO, timeout, "unused", null, clock, nativeTls);
    }

    private LoadBench.Fleet fleet(int n) throws Exception {
        Path fleet = dir.resolve("fleet");
        LoadBench.prepare(fleet, n, "bench-project", "us-central1", "bench-registry");
        return LoadBench.load(fleet);
    }

    @ParameterizedTest(name = "native TLS {0}")
    @ValueSource(booleans = {true, false})
    void aFleetConnectsToTheBridgeIsHeldAndPublishes(boolean nativeTls) throws Exception {
        engine(nativeTls);
        LoadBench.Fleet fleet = fleet(6);
        RecordingListener heard = new RecordingListener();
        Registry registry = Registry.load(dir.resolve("fleet").resolve("registry.json"));
        try (LocalBroker broker = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK), heard)) {
            List<X509Certificate> roots = dev.iotjwt.tls.CaBundle.fromFiles(List.of(broker.pki().caFile()),
                    Fixtures.NOW).certificates();
            LoadBench.Settings s = new LoadBench.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    broker.port()), "localhost", roots, 6, 3, 5, Duration.ofMillis(600), Duration.ofSeconds(10),
                    "unused", null, Fixtures.CLOCK, nativeTls);
            LoadBench.Report r = new LoadBench().run(fleet, s, line -> { });
            assertThat(r.failures()).isEmpty();
            assertThat(r.connected()).isEqualTo(6);
            assertThat(r.heldAtEnd()).isEqualTo(6);
            assertThat(r.tls()).isEqualTo(nativeTls ? "BoringSSL" : "JDK");
            assertThat(r.connect().p50()).isPositive();
            assertThat(r.published()).isGreaterThanOrEqualTo(6);
            assertThat(heard.events.stream().filter(e -> e.kind().equals("accepted"))).hasSize(6);
            for (int i = 0; i < 100 && heard.messages.size() < r.published(); i++) {
                Thread.sleep(20);
            }
            assertThat((long) heard.messages.size()).isEqualTo(r.published());
        }
    }

    @ParameterizedTest(name = "native TLS {0}")
    @ValueSource(booleans = {true, false})
    void everyDeviceSendsTheHostAsSniAndIsVerifiedByName(boolean nativeTls) throws Exception {
        engine(nativeTls);
        LoadBench.Fleet fleet = fleet(3);
        TestPki pki = TestPki.ecRoot("Bench Root", Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf(HOST)).mqtt(MqttMode.connack(5)).start()) {
            LoadBench.Report r = new LoadBench().run(fleet, settings(server.port(), HOST, List.of(pki.root()), 3,
                    Duration.ofSeconds(10), Fixtures.CLOCK, nativeTls), line -> { });
            // the server refused the tokens: TLS went through, verified, with the host name as SNI
            assertThat(r.failures()).containsExactly(java.util.Map.entry("mqtt.connack.not-authorized", 3));
            assertThat(server.handshakes()).hasSize(3).allSatisfy(h -> {
                assertThat(h.completed()).isTrue();
                assertThat(h.sni()).isEqualTo(HOST);
            });
            assertThat(server.connects()).hasSize(3);

            LoadBench.Report wrongName = new LoadBench().run(fleet, settings(server.port(), "other.example.test",
                    List.of(pki.root()), 3, Duration.ofSeconds(10), Fixtures.CLOCK, nativeTls), line -> { });
            assertThat(wrongName.failures()).containsExactly(java.util.Map.entry("trust.hostname-mismatch", 3));

            TestPki other = TestPki.ecRoot("Other Root", Fixtures.NOW);
            LoadBench.Report unknownCa = new LoadBench().run(fleet, settings(server.port(), HOST,
                    List.of(other.root()), 3, Duration.ofSeconds(10), Fixtures.CLOCK, nativeTls), line -> { });
            assertThat(unknownCa.failures()).containsExactly(java.util.Map.entry("trust.unknown-ca", 3));

            // the device's clock 20 years on: the bridge's certificate has expired by then
            Clock later = Clock.fixed(Fixtures.NOW.plus(Duration.ofDays(7300)), ZoneOffset.UTC);
            LoadBench.Report expired = new LoadBench().run(fleet, settings(server.port(), HOST, List.of(pki.root()),
                    3, Duration.ofSeconds(10), later, nativeTls), line -> { });
            assertThat(expired.failures()).containsExactly(java.util.Map.entry("trust.expired", 3));
            // no token crossed an unverified connection
            assertThat(server.connects()).hasSize(3);
        }
    }

    @ParameterizedTest(name = "native TLS {0}")
    @ValueSource(booleans = {true, false})
    void faultsBeforeAndAfterTheHandshakeAreNamed(boolean nativeTls) throws Exception {
        engine(nativeTls);
        LoadBench.Fleet fleet = fleet(2);
        TestPki pki = TestPki.ecRoot("Bench Root", Fixtures.NOW);
        List<X509Certificate> roots = List.of(pki.root());
        Duration shortWait = Duration.ofMillis(800);
        record Case(RawMode mode, String code) {
        }
        for (Case c : List.of(new Case(RawMode.HTTP_REPLY, "tls.not-tls"),
                new Case(RawMode.alert(40), "tls.no-common-cipher"),
                new Case(RawMode.alert(70), "tls.protocol-version"),
                new Case(RawMode.CLOSE_AFTER_HELLO, "tls.closed"),
                new Case(RawMode.SILENT, "tls.timeout"))) {
            try (RawTestServer server = RawTestServer.start(c.mode())) {
                LoadBench.Report r = new LoadBench().run(fleet, settings(server.port(), HOST, roots, 2, shortWait,
                        Fixtures.CLOCK, nativeTls), line -> { });
                assertThat(r.failures()).as(c.mode().toString()).containsExactly(java.util.Map.entry(c.code(), 2));
            }
        }
        for (var c : List.of(java.util.Map.entry(MqttMode.CLOSE, "mqtt.closed"),
                java.util.Map.entry(MqttMode.SILENT, "mqtt.timeout"),
                java.util.Map.entry(MqttMode.reply("PINGRESP", (byte) 0xD0, (byte) 0), "mqtt.malformed-connack"))) {
            try (TlsTestServer server = new TlsTestServer().chain(pki.leaf(HOST)).mqtt(c.getKey()).start()) {
                LoadBench.Report r = new LoadBench().run(fleet, settings(server.port(), HOST, roots, 2, shortWait,
                        Fixtures.CLOCK, nativeTls), line -> { });
                assertThat(r.failures()).as(c.getValue()).containsExactly(java.util.Map.entry(c.getValue(), 2));
            }
        }
        LoadBench.Report refused = new LoadBench().run(fleet, settings(RawTestServer.unusedPort(), HOST, roots, 2,
                shortWait, Fixtures.CLOCK, nativeTls), line -> { });
        assertThat(refused.failures()).containsExactly(java.util.Map.entry("tcp.refused", 2));
    }
}
