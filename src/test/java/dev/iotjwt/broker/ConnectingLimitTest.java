package dev.iotjwt.broker;

import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.RecordingListener;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-connecting}: a broker that lets 4 connections wait for their CONNECT closes a fifth at once (and
 * says so as broker.busy), while the four wait for the 3 s connect timeout; connected devices hold no such slot, and
 * the slots are free again once the waiting connections are gone.
 */
@Timeout(120)
class ConnectingLimitTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final int LIMIT = 4;

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static SSLContext tls;
    static String token;
    static final RecordingListener LISTENER = new RecordingListener();

    @BeforeAll
    static void start() throws Exception {
        PrivateKey ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE)
                .privateKey();
        token = TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        for (int i = 0; i <= LIMIT + 1; i++) {
            r = r.with(Registry.deviceOf("dev-" + i, Fixtures.key("p256_public.pem"), null));
        }
        broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost"),
                false, false, Duration.ofMinutes(10), Fixtures.CLOCK, Duration.ofSeconds(3), LIMIT), LISTENER);
        tls = LocalBrokerTest.trusting(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** Opens {@code n} silent TCP connections at once; how long until the broker closed each (ms). */
    static List<Long> silentConnections(int n) throws Exception {
        List<CompletableFuture<Long>> closes = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        // a thread each: the common pool has one thread on two cores, and would time the sockets one after another
        java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                s.connect(new java.net.InetSocketAddress("127.0.0.1", broker.port()), 5000);
                s.setSoTimeout(15_000);
                sockets.add(s);
                long started = System.nanoTime();
                closes.add(CompletableFuture.supplyAsync(() -> ConnectDeadlineTest.millisToClose(uncheckedIn(s),
                        started), readers));
            }
            List<Long> out = new ArrayList<>();
            for (CompletableFuture<Long> c : closes) {
                out.add(c.get());
            }
            return out;
        } finally {
            readers.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static java.io.InputStream uncheckedIn(Socket s) {
        try {
            return s.getInputStream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void oneConnectionOverTheLimitIsClosedAtOnceAndConnectedDevicesHoldNoSlot() throws Exception {
        // LIMIT devices connect and stay: their CONNECTs are read, so they wait for nothing
        List<RawDevice> devices = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(10));
                devices.add(d);
                d.write(RawDevice.connectPacket(PREFIX + "dev-" + i, token));
                RawDevice.Packet connack = d.read();
                assertThat(connack.header()).isEqualTo(0x20);
                assertThat(connack.body()).containsExactly(0x00, 0x00);
            }
            // LIMIT + 1 silent clients: the oldest makes room for the last at once, the others are closed at 3 s
            List<Long> closed = silentConnections(LIMIT + 1);
            assertThat(closed.stream().filter(ms -> ms < 1_500).count()).as("closed at once: " + closed + "; events: " + LISTENER.events).isEqualTo(1);
            assertThat(closed.stream().filter(ms -> ms >= 2_500 && ms < 8_000).count())
                    .as("closed at the connect timeout: " + closed).isEqualTo(LIMIT);
            for (int i = 0; i < 100 && LISTENER.events.stream().noneMatch(e -> "broker.busy".equals(e.code())); i++) {
                Thread.sleep(20);
            }
            assertThat(LISTENER.events).filteredOn(e -> "broker.busy".equals(e.code())).first()
                    .satisfies(e -> assertThat(e.detail()).contains(LIMIT + " connections are waiting for their"
                            + " CONNECT (--max-connecting): 1 of them closed to make room, each the oldest waiting one of the"
                            + " address holding the most places"));
            // the waiting ones are gone: their slots are free, and one more device connects
            RawDevice late = RawDevice.open(tls, broker.port(), Duration.ofSeconds(10));
            devices.add(late);
            late.write(RawDevice.connectPacket(PREFIX + "dev-" + LIMIT, token));
            assertThat(late.read().body()).containsExactly(0x00, 0x00);
        } finally {
            for (RawDevice d : devices) {
                d.close();
            }
        }
    }
}
