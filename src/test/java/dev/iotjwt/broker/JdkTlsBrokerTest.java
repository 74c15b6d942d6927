package dev.iotjwt.broker;

import dev.iotjwt.broker.tls.TlsProfile;
import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The bridge on the JDK's TLS engine (the provider where BoringSSL does not load) serves a device end to end. */
class JdkTlsBrokerTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/my-registry/devices/dev-ec";

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static String token;
    static final List<BrokerListener.Event> events = new CopyOnWriteArrayList<>();
    static final List<BrokerListener.Message> messages = new CopyOnWriteArrayList<>();
    static final List<Diagnosis> reports = new CopyOnWriteArrayList<>();

    static final BrokerListener LISTENER = new BrokerListener() {
        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void message(Message message) {
            messages.add(message);
        }

        @Override
        public boolean wantsReports() {
            return true;
        }

        @Override
        public void report(Diagnosis report) {
            reports.add(report);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        PrivateKey ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE)
                .privateKey();
        token = TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), null));
        broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost", "127.0.0.1"), false, false, Duration.ofMinutes(10), Fixtures.CLOCK)
                .withTls(TlsProfile.DEFAULT, false), LISTENER);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theProviderIsTheJdks() {
        assertThat(broker.tlsProvider()).isEqualTo("JDK");
        assertThat(broker.settings().nativeTls()).isFalse();
    }

    /** Raw MQTT over the JDK engine: CONNACK 0, a PUBACK, the message delivered, then a report with every step. */
    @Test
    void aRawDeviceConnectsPublishesAndIsReported() throws Exception {
        try (RawDevice d = RawDevice.open(LocalBrokerTest.trusting(broker), broker.port(), Duration.ofSeconds(10))) {
            assertThat(d.connect(CLIENT_ID, token)).isZero();
            assertThat(d.publish1("/devices/dev-ec/events", "{\"jdk\":1}".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(4);
        }
        assertThat(messages).anySatisfy(m -> {
            assertThat(m.device()).isEqualTo("dev-ec");
            assertThat(m.payload()).isEqualTo("{\"jdk\":1}");
        });
        assertThat(events).anySatisfy(e -> assertThat(e.kind() + " " + e.device()).isEqualTo("accepted dev-ec"));
        // the one connection that published (the other tests' connections publish nothing)
        Diagnosis report = awaitReport(r -> r.steps().stream().anyMatch(st -> st.id().equals("session")
                && "1 message(s), 9 bytes".equals(st.facts().get("telemetry"))));
        assertThat(report.ok()).as(report.toString()).isTrue();
        assertThat(report.steps()).extracting(StepResult::id).containsExactly("tcp", "tls", "mqtt", "session");
        StepResult tls = report.steps().get(1);
        assertThat(tls.facts()).containsEntry("SNI", "localhost").containsEntry("version", "TLSv1.3")
                .containsKey("suite");
    }

    /** A refused token is answered with CONNACK 5 on the JDK engine too. */
    @Test
    void aBadTokenIsRefusedWithConnack5() throws Exception {
        String forged = TokenForge.es256(new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"),
                PasswordSource.NONE).privateKey()).claims(NOW, NOW + 3600, "other-project").build();
        try (RawDevice d = RawDevice.open(LocalBrokerTest.trusting(broker), broker.port(), Duration.ofSeconds(10))) {
            assertThat(d.connect(CLIENT_ID, forged)).isEqualTo(5);
        }
    }

    /** The tool's own connect command, over TLS 1.2 and 1.3, against the JDK engine. */
    @Test
    void theConnectCommandPassesEveryStep() {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            CliRun c = CliRun.run("connect", "--host", "localhost", "--port", String.valueOf(broker.port()), "--ca",
                    broker.pki().caFile().toString(), "--client-id", CLIENT_ID, "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--tls-version", version);
            assertThat(c.exitCode()).as(version + "\n" + c.out() + c.err()).isZero();
            assertThat(c.out()).contains("OK: connected; every step passed").contains(version);
        }
    }

    private static Diagnosis awaitReport(java.util.function.Predicate<Diagnosis> which) throws InterruptedException {
        for (int i = 0; i < 250; i++) {
            for (Diagnosis d : reports) {
                if (which.test(d)) {
                    return d;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such report when the connection ended; reports: " + reports);
    }
}
