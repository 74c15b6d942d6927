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

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The waiting room under a flood: with room for 8 connections waiting for their CONNECT, one address (127.0.0.1)
 * holds 40 silent TCP connections open and reopens each one the bridge closes, while a device from another loopback
 * address (127.0.0.2) and a prompt device from the flooding address itself connect with TLS and a good token: both get
 * CONNACK 0, because a full room closes the oldest waiting connection of the address that holds the most places.
 * And WaitingRoom's rule itself, on its own.
 */
@Timeout(60)
class WaitingRoomFairnessTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final int LIMIT = 8;
    static final int FLOOD = 40;

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
        for (String id : List.of("dev-far", "dev-near")) {
            r = r.with(Registry.deviceOf(id, Fixtures.key("p256_public.pem"), null));
        }
        broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost"),
                false, false, Duration.ofMinutes(10), Fixtures.CLOCK, BrokerSettings.CONNECT_TIMEOUT, LIMIT),
                LISTENER);
        tls = LocalBrokerTest.trusting(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** 40 silent TCP connections from 127.0.0.1, each reopened when the bridge closes it, until stopped. */
    static final class Flood implements AutoCloseable {
        final Socket[] sockets = new Socket[FLOOD];
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicInteger reopened = new AtomicInteger();
        final Thread thread;

        Flood() throws IOException {
            for (int i = 0; i < FLOOD; i++) {
                sockets[i] = open();
            }
            thread = new Thread(this::loop, "flood");
            thread.setDaemon(true);
            thread.start();
        }

        static Socket open() throws IOException {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
            s.setSoTimeout(1);
            return s;
        }

        private void loop() {
            while (running.get()) {
                for (int i = 0; i < FLOOD && running.get(); i++) {
                    boolean closed;
                    try {
                        closed = sockets[i].getInputStream().read() < 0;
                    } catch (SocketTimeoutException e) {
                        closed = false;
                    } catch (IOException e) {
                        closed = true;
                    }
                    if (closed) {
                        try {
                            sockets[i].close();
                            sockets[i] = open();
                            reopened.incrementAndGet();
                        } catch (IOException e) {
                            // the next sweep tries again
                        }
                    }
                }
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join(5_000);
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** A device connecting from {@code from} with TLS and a good token: the CONNACK's bytes, or what went wrong. */
    static String connectFrom(String from, String device) {
        try (Socket plain = new Socket()) {
            plain.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            plain.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
            plain.setSoTimeout(10_000);
            try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", broker.port(),
                    true)) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName("localhost")));
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
                s.startHandshake();
                s.getOutputStream().write(RawDevice.connectPacket(PREFIX + device, token));
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                byte[] connack = new byte[4];
                new DataInputStream(in).readFully(connack);
                return HexFormat.of().formatHex(connack);
            }
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Connects {@code device} from {@code from} again and again for 3 s while the flood runs; each attempt's outcome
     * (the CONNACK in hex, or the exception), and the flood's reopen count in the last element.
     */
    static List<String> underFlood(String from, String device) throws Exception {
        List<String> out = new ArrayList<>();
        try (Flood flood = new Flood()) {
            // the room is full and churning: the flood's connections are being closed and reopened
            for (int i = 0; i < 250 && flood.reopened.get() < FLOOD; i++) {
                Thread.sleep(20);
            }
            assertThat(flood.reopened.get()).as("flood connections closed by the bridge and reopened")
                    .isGreaterThanOrEqualTo(FLOOD);
            int before = flood.reopened.get();
            long started = System.nanoTime();
            while (System.nanoTime() - started < Duration.ofSeconds(3).toNanos()) {
                out.add(connectFrom(from, device));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            out.add(String.format("flood: %d connections reopened in %.1f s", flood.reopened.get() - before,
                    seconds));
        }
        return out;
    }

    @Test
    void aFloodFromOneAddressDoesNotKeepADeviceFromAnotherAddressOut() throws Exception {
        List<String> far = underFlood("127.0.0.2", "dev-far");
        List<String> attempts = far.subList(0, far.size() - 1);
        assertThat(attempts).as("a device from 127.0.0.2 (" + far.get(far.size() - 1) + ")").isNotEmpty()
                .allMatch("20020000"::equals);
        assertThat(LISTENER.events).anyMatch(e -> "broker.busy".equals(e.code()));
        assertThat(LISTENER.events).anyMatch(e -> "accepted".equals(e.kind()) && "dev-far".equals(e.device()));
    }

    /** WaitingRoom's promise: "a prompt one from the same address still gets in" (a device behind the same NAT). */
    @Test
    void aFloodFromOneAddressDoesNotKeepAPromptDeviceFromThatAddressOut() throws Exception {
        List<String> near = underFlood("127.0.0.1", "dev-near");
        List<String> attempts = near.subList(0, near.size() - 1);
        assertThat(attempts).as("a prompt device from the flooding 127.0.0.1, retrying for 3 s ("
                + near.get(near.size() - 1) + ")").isNotEmpty().anyMatch("20020000"::equals);
        assertThat(LISTENER.events).anyMatch(e -> "accepted".equals(e.kind()) && "dev-near".equals(e.device()));
    }

    // --- the rule itself ------------------------------------------------------------------------------------

    static Bridge bridge() throws Exception {
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        BrokerSettings s = new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("unit"), List.of("localhost"), false,
                false, Duration.ofMinutes(10), Fixtures.CLOCK, BrokerSettings.CONNECT_TIMEOUT, 3);
        return new Bridge(s, null, null, null, LISTENER);
    }

    @Test
    void aFullRoomEvictsTheOldestConnectionOfTheBusiestAddress() throws Exception {
        Bridge bridge = bridge();
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        WaitingRoom room = new WaitingRoom(3);
        DeviceChannel a1 = new DeviceChannel(bridge);
        DeviceChannel a2 = new DeviceChannel(bridge);
        DeviceChannel a3 = new DeviceChannel(bridge);
        DeviceChannel b1 = new DeviceChannel(bridge);
        DeviceChannel b2 = new DeviceChannel(bridge);
        DeviceChannel b3 = new DeviceChannel(bridge);
        assertThat(room.admit(a, a1)).isNull();
        assertThat(room.admit(a, a2)).isNull();
        assertThat(room.admit(a, a3)).isNull();
        assertThat(room.waiting()).isEqualTo(3);
        assertThat(room.held(a)).isEqualTo(3);
        // full: the newcomer from b takes the place of a's oldest
        assertThat(room.admit(b, b1)).isSameAs(a1);
        assertThat(room.admit(b, b2)).isSameAs(a2);
        assertThat(room.held(a)).isEqualTo(1);
        assertThat(room.held(b)).isEqualTo(2);
        // now b holds the most: its own oldest makes room, a's last place is kept
        assertThat(room.admit(b, b3)).isSameAs(b1);
        assertThat(room.held(a)).isEqualTo(1);
        assertThat(room.waiting()).isEqualTo(3);
        assertThat(room.takeEvicted()).isEqualTo(3);
        assertThat(room.takeEvicted()).isZero();
    }

    @Test
    void aConnectionThatLeavesFreesItsPlaceOnce() throws Exception {
        Bridge bridge = bridge();
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        WaitingRoom room = new WaitingRoom(2);
        DeviceChannel a1 = new DeviceChannel(bridge);
        DeviceChannel a2 = new DeviceChannel(bridge);
        DeviceChannel b1 = new DeviceChannel(bridge);
        room.admit(a, a1);
        room.admit(a, a2);
        room.leave(a, a1);
        room.leave(a, a1);
        room.leave(b, a2); // not b's: nothing changes
        assertThat(room.waiting()).isEqualTo(1);
        assertThat(room.held(a)).isEqualTo(1);
        assertThat(room.admit(b, b1)).as("a free place: nobody evicted").isNull();
        assertThat(room.takeEvicted()).isZero();
        room.leave(a, a2);
        room.leave(b, b1);
        assertThat(room.waiting()).isZero();
        assertThat(room.held(a)).isZero();
        assertThat(room.held(b)).isZero();
    }

    @Test
    void oneAddressReopeningManyConnectionsOnlyEverEvictsItsOwn() throws Exception {
        Bridge bridge = bridge();
        InetAddress flood = InetAddress.getByName("127.0.0.1");
        InetAddress other = InetAddress.getByName("127.0.0.2");
        WaitingRoom room = new WaitingRoom(8);
        DeviceChannel device = new DeviceChannel(bridge);
        for (int i = 0; i < 4; i++) {
            room.admit(flood, new DeviceChannel(bridge));
        }
        assertThat(room.admit(other, device)).isNull();
        DeviceChannel prompt = null;
        for (int i = 0; i < 1000; i++) {
            DeviceChannel c = new DeviceChannel(bridge);
            DeviceChannel out = room.admit(flood, c);
            assertThat(out).as("evicted at the flood's connection " + i).isNotSameAs(device);
            if (prompt != null) {
                assertThat(out).as("the prompt device evicted at " + i).isNotSameAs(prompt);
            }
            if (i == 500) {
                prompt = c;
            }
            if (i == 506) {
                // the prompt device from the flooding address sent its CONNECT before 7 more arrived
                room.leave(flood, prompt);
            }
        }
        assertThat(room.held(other)).isEqualTo(1);
        assertThat(room.held(flood)).isEqualTo(7);
        assertThat(room.waiting()).isEqualTo(8);
    }
}
