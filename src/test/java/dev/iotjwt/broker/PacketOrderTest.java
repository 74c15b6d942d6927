package dev.iotjwt.broker;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge over real TLS on 127.0.0.1, fed raw MQTT bytes in the orders devices really send them: pipelined after
 * the CONNECT in one write, a CONNECT after another packet, a second CONNECT, packets after a refusal. What a device
 * relies on: it reads its CONNACK, its SUBACK and its config whatever it pipelined; a refused device reads CONNACK 5
 * and an orderly end of stream, not a reset; the bridge's timers close idle and expired connections; nothing a
 * closed attacker sent reaches another device; and every connection ends in a report with steps tcp, tls, mqtt and
 * session.
 */
@Timeout(120)
class PacketOrderTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    /** Small, so a token expiring in 2 s closes its connection 3 s after the CONNECT. */
    static final Duration SKEW = Duration.ofSeconds(1);
    static final int PIPELINED = 50;
    static final Duration READ = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static SSLContext tls;
    static PrivateKey ec;
    static String token;
    static String badToken;
    static final Listener LISTENER = new Listener();

    /** Keeps every event, message and report. */
    static final class Listener implements BrokerListener {
        final List<Event> events = new CopyOnWriteArrayList<>();
        final List<Message> messages = new CopyOnWriteArrayList<>();
        final List<Diagnosis> reports = new CopyOnWriteArrayList<>();

        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void message(Message message) {
            messages.add(message);
        }

        @Override
        public void report(Diagnosis report) {
            reports.add(report);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        token = TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        badToken = TokenForge.es256(g.generateKeyPair().getPrivate()).claims(NOW, NOW + 3600, "my-project").build();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        for (String id : List.of("dev-a", "dev-b", "dev-n", "dev-q", "dev-k", "dev-e", "dev-t", "dev-s", "dev-u",
                "dev-r1", "dev-r2", "dev-w", "dev-kp", "dev-ep")) {
            r = r.with(Registry.deviceOf(id, Fixtures.key("p256_public.pem"), null));
        }
        r = r.with(Registry.deviceOf("dev-c", Fixtures.key("p256_public.pem"), bytes("{\"led\":1}")));
        for (int i = 0; i < PIPELINED; i++) {
            r = r.with(Registry.deviceOf(String.format("dev-m%02d", i), Fixtures.key("p256_public.pem"),
                    bytes("{\"m\":" + i + "}")));
        }
        broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost"),
                false, false, SKEW, Fixtures.CLOCK), LISTENER);
        tls = LocalBrokerTest.trusting(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    // --- raw packets --------------------------------------------------------------------------------------------

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void string(ByteArrayOutputStream v, String s) {
        byte[] b = bytes(s);
        v.write(b.length >> 8);
        v.write(b.length & 0xff);
        v.writeBytes(b);
    }

    /** An MQTT 3.1.1 CONNECT: clean session, user name 'unused', the token as password, a Will when given. */
    static byte[] connect(String device, String token, int keepAlive, String willTopic) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4});
        v.write(0xC2 | (willTopic == null ? 0 : 0x04 | 0x08)); // a Will with QoS 1
        v.write(keepAlive >> 8);
        v.write(keepAlive & 0xff);
        string(v, PREFIX + device);
        if (willTopic != null) {
            string(v, willTopic);
            string(v, "will-of-" + device);
        }
        string(v, "unused");
        string(v, token);
        return RawDevice.packet(0x10, v.toByteArray());
    }

    static byte[] subscribe(int packetId, String filter, int qos) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(packetId >> 8);
        v.write(packetId & 0xff);
        string(v, filter);
        v.write(qos);
        return RawDevice.packet(0x82, v.toByteArray());
    }

    static byte[] publish1(String topic, int packetId, byte[] payload) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        v.write(packetId >> 8);
        v.write(packetId & 0xff);
        v.writeBytes(payload);
        return RawDevice.packet(0x32, v.toByteArray());
    }

    static final byte[] PINGREQ = {(byte) 0xC0, 0};
    static final byte[] DISCONNECT = {(byte) 0xE0, 0};

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The payload of a PUBLISH the device received. */
    static byte[] payloadOf(RawDevice.Packet p) {
        int topic = (p.body()[0] & 0xff) << 8 | p.body()[1] & 0xff;
        int qos = p.header() >> 1 & 3;
        int from = 2 + topic + (qos > 0 ? 2 : 0);
        return Arrays.copyOfRange(p.body(), from, p.body().length);
    }

    static RawDevice open() throws IOException {
        return RawDevice.open(tls, broker.port(), READ);
    }

    static RawDevice connected(String device) throws IOException {
        RawDevice d = open();
        assertThat(d.connect(PREFIX + device, token)).as("CONNACK of " + device).isZero();
        return d;
    }

    /**
     * A device subscribed to its config and commands, past the config the subscription sends; its reads wait 2 s
     * (what would reach it comes at once).
     */
    static RawDevice watcher(String device) throws IOException {
        RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(2));
        assertThat(d.connect(PREFIX + device, token)).as("CONNACK of " + device).isZero();
        assertThat(d.subscribe("/devices/" + device + "/commands/#")).isEqualTo(1);
        assertThat(d.subscribe("/devices/" + device + "/config")).isEqualTo(1);
        RawDevice.Packet config = d.read();
        assertThat(config.type()).isEqualTo(3);
        assertThat(config.topic()).isEqualTo("/devices/" + device + "/config");
        return d;
    }

    /** The first event with {@code code} (and for {@code who}, when not null), waiting up to 10 s for it. */
    static BrokerListener.Event awaitEvent(String code, String who) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (BrokerListener.Event e : LISTENER.events) {
                if (code.equals(e.code()) && (who == null || who.equals(e.device()))) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + code + " event for " + who + " in " + LISTENER.events);
    }

    static Diagnosis awaitReport(String device) throws InterruptedException {
        String clientId = PREFIX + device;
        for (int i = 0; i < 500; i++) {
            for (Diagnosis d : LISTENER.reports) {
                if (clientId.equals(d.target().clientId())) {
                    return d;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no report for " + device + " in " + LISTENER.reports);
    }

    /** Nothing arrives at the watcher within a second, and the bridge still holds its connection. */
    static void assertNothingReached(RawDevice watcher) throws IOException {
        RawDevice.Packet p = watcher.poll();
        assertThat(p).as("a packet reached the other device: " + (p == null ? "" : p.type() == 3 ? p.topic()
                : "type " + p.type())).isNull();
        assertThat(watcher.alive()).isTrue();
    }

    // --- CONNECT in the wrong place -------------------------------------------------------------------------------

    @Test
    void aWillConnectAfterAPingAsFirstPacketIsClosedAndReachesNoOne() throws Exception {
        try (RawDevice victim = watcher("dev-b"); RawDevice attacker = RawDevice.open(tls, broker.port(),
                Duration.ofSeconds(2))) {
            attacker.write(PINGREQ);
            attacker.write(connect("dev-a", token, 60, "/devices/dev-b/commands/x"));
            RawDevice.Packet answer = null;
            boolean closed;
            try {
                answer = attacker.read();
                closed = attacker.closedByBroker();
            } catch (SocketTimeoutException e) {
                closed = false;
            } catch (IOException e) {
                closed = true;
            }
            assertThat(answer).as("no PINGRESP and no CONNACK for a connection that began with PINGREQ").isNull();
            assertThat(closed).isTrue();
            assertThat(awaitEvent("mqtt.first-packet", null).detail()).contains("PINGREQ");
            assertNothingReached(victim);
        }
        assertThat(LISTENER.messages).noneMatch(m -> String.valueOf(m.payload()).startsWith("will-of-"));
    }

    @Test
    void aSecondConnectWithAWillAimedAtAnotherDeviceClosesTheConnection() throws Exception {
        try (RawDevice victim = watcher("dev-b"); RawDevice attacker = connected("dev-w")) {
            attacker.write(connect("dev-b", token, 60, "/devices/dev-b/config"));
            assertThat(attacker.closedByBroker()).isTrue();
            BrokerListener.Event e = awaitEvent("mqtt.second-connect", "dev-w");
            assertThat(e.kind()).isEqualTo("dropped");
            assertThat(e.detail()).contains("/devices/dev-b/config");
            assertNothingReached(victim);
        }
        assertThat(LISTENER.messages).noneMatch(m -> String.valueOf(m.payload()).startsWith("will-of-"));
    }

    // --- pipelining -------------------------------------------------------------------------------------------

    @Test
    void aSubscribeInTheSameWriteAsTheConnectGetsConnackSubackAndConfigOnBusyCores() throws Exception {
        AtomicBoolean spin = new AtomicBoolean(true);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                long x = 0;
                while (spin.get()) {
                    x = x * 31 + 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "spinner-" + i);
            t.setDaemon(true);
            t.start();
            spinners.add(t);
        }
        ExecutorService devices = Executors.newFixedThreadPool(PIPELINED);
        Map<String, String> failures = new TreeMap<>();
        int ok = 0;
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < PIPELINED; i++) {
                String device = String.format("dev-m%02d", i);
                int n = i;
                results.add(devices.submit(() -> pipelined(device, "{\"m\":" + n + "}")));
            }
            for (int i = 0; i < PIPELINED; i++) {
                String outcome = results.get(i).get(60, TimeUnit.SECONDS);
                if (outcome.equals("ok")) {
                    ok++;
                } else {
                    failures.put(String.format("dev-m%02d", i), outcome);
                }
            }
        } finally {
            spin.set(false);
            devices.shutdownNow();
            for (Thread t : spinners) {
                t.join(5_000);
            }
        }
        assertThat(failures).as("devices that did not get CONNACK 0, SUBACK 1 and their config").isEmpty();
        assertThat(ok).isEqualTo(PIPELINED);
    }

    /** CONNECT and SUBSCRIBE in one write; "ok" or what went wrong. */
    static String pipelined(String device, String config) {
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(30))) {
            d.write(concat(connect(device, token, 60, null), subscribe(7, "/devices/" + device + "/config", 1)));
            RawDevice.Packet connack = d.read();
            if (connack.type() != 2 || connack.body()[1] != 0) {
                return "first packet type " + connack.type() + " " + HexFormat.of().formatHex(connack.body());
            }
            RawDevice.Packet suback = d.read();
            if (suback.type() != 9 || suback.body().length != 3 || suback.body()[1] != 7 || suback.body()[2] != 1) {
                return "second packet type " + suback.type() + " " + HexFormat.of().formatHex(suback.body());
            }
            RawDevice.Packet publish = d.read();
            if (publish.type() != 3 || !publish.topic().equals("/devices/" + device + "/config")
                    || !new String(payloadOf(publish), StandardCharsets.UTF_8).equals(config)) {
                return "third packet type " + publish.type() + (publish.type() == 3 ? " " + publish.topic() : "");
            }
            return "ok";
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    @Test
    void aRefusedConnectWithPacketsBehindItReadsConnack5ThenAnOrderlyEnd() throws Exception {
        byte[] wire = concat(connect("dev-a", badToken, 60, null), subscribe(1, "/devices/dev-a/config", 1),
                publish1("/devices/dev-a/events", 2, bytes("after the refusal")));
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            outcomes.merge(refusedThenRead(wire), 1, Integer::sum);
        }
        assertThat(outcomes).containsExactly(Map.entry("20020005 then EOF", 30));
        assertThat(LISTENER.messages).noneMatch(m -> "after the refusal".equals(m.payload()));
    }

    /** What a plain TLS socket reads after writing {@code wire}: the bytes, then how the stream ended. */
    static String refusedThenRead(byte[] wire) throws IOException {
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try (s) {
            s.connect(new InetSocketAddress("127.0.0.1", broker.port()), 5000);
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("localhost")));
            s.setSSLParameters(p);
            s.setSoTimeout((int) READ.toMillis());
            s.startHandshake();
            s.getOutputStream().write(wire);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] connack = new byte[4];
            try {
                new DataInputStream(in).readFully(connack);
            } catch (IOException e) {
                return "no CONNACK: " + e;
            }
            String read = HexFormat.of().formatHex(connack);
            try {
                int next = in.read();
                return read + (next < 0 ? " then EOF" : " then byte " + next);
            } catch (SocketTimeoutException e) {
                return read + " then nothing for " + READ.toSeconds() + " s";
            } catch (IOException e) {
                return read + " then " + e;
            }
        }
    }

    @Test
    void anMqtt31ConnectGetsExactlyConnack1() throws Exception {
        String out = refusedThenRead(RawDevice.connect31Packet(PREFIX + "dev-a", token));
        assertThat(out).isEqualTo("20020001 then EOF");
        awaitEvent("mqtt.protocol-version", "dev-a");
    }

    // --- subscriptions ----------------------------------------------------------------------------------------

    @Test
    void aQos2SubscriptionIsGrantedQos1AndTheConfigComesWithQos1() throws Exception {
        try (RawDevice d = connected("dev-q")) {
            d.write(subscribe(3, "/devices/dev-q/config", 2));
            RawDevice.Packet suback = d.read();
            assertThat(suback.type()).isEqualTo(9);
            assertThat(suback.body()).containsExactly(0, 3, 1);
            RawDevice.Packet config = d.read();
            assertThat(config.type()).isEqualTo(3);
            assertThat(config.header() >> 1 & 3).as("QoS of the config").isEqualTo(1);
            assertThat(d.alive()).isTrue();
        }
    }

    @Test
    void aDeviceWithoutConfigGetsAnEmptyConfigOnSubscribing() throws Exception {
        try (RawDevice d = connected("dev-n")) {
            assertThat(d.subscribe("/devices/dev-n/config")).isEqualTo(1);
            RawDevice.Packet config = d.read();
            assertThat(config.type()).isEqualTo(3);
            assertThat(config.topic()).isEqualTo("/devices/dev-n/config");
            assertThat(payloadOf(config)).isEmpty();
        }
    }

    @Test
    void aConfigUpdateReachesTheSubscribedDeviceAtOnce() throws Exception {
        try (RawDevice d = connected("dev-c")) {
            assertThat(d.subscribe("/devices/dev-c/config")).isEqualTo(1);
            RawDevice.Packet first = d.read();
            assertThat(new String(payloadOf(first), StandardCharsets.UTF_8)).isEqualTo("{\"led\":1}");
            long version = broker.updateConfig("dev-c", bytes("{\"led\":2}")).version();
            assertThat(version).isEqualTo(2);
            RawDevice.Packet update = d.poll();
            assertThat(update).as("the new config within the read timeout").isNotNull();
            assertThat(update.topic()).isEqualTo("/devices/dev-c/config");
            assertThat(new String(payloadOf(update), StandardCharsets.UTF_8)).isEqualTo("{\"led\":2}");
        }
    }

    @Test
    void aCommandReachesASubscribedDeviceWithItsSubfolderAndFailsForOthers() throws Exception {
        try (RawDevice s = connected("dev-s"); RawDevice u = connected("dev-u")) {
            assertThat(s.subscribe("/devices/dev-s/commands/#")).isEqualTo(1);
            assertThat(broker.sendCommand("dev-s", "reboot/now", bytes("go")).get(5, TimeUnit.SECONDS)).isTrue();
            RawDevice.Packet cmd = s.poll();
            assertThat(cmd).isNotNull();
            assertThat(cmd.topic()).isEqualTo("/devices/dev-s/commands/reboot/now");
            assertThat(new String(payloadOf(cmd), StandardCharsets.UTF_8)).isEqualTo("go");

            assertThat(broker.sendCommand("dev-u", "reboot", bytes("go")).get(5, TimeUnit.SECONDS))
                    .as("connected, not subscribed").isFalse();
            assertThat(u.alive()).isTrue();
            assertThat(broker.sendCommand("dev-r1", null, bytes("go")).get(5, TimeUnit.SECONDS))
                    .as("not connected").isFalse();
        }
    }

    // --- the bridge's own closes ----------------------------------------------------------------------------

    @Test
    void aSecondConnectionOfTheDeviceClosesTheFirst() throws Exception {
        try (RawDevice first = connected("dev-t")) {
            try (RawDevice second = connected("dev-t")) {
                assertThat(first.closedByBroker()).isTrue();
                assertThat(awaitEvent("mqtt.takeover", "dev-t").kind()).isEqualTo("dropped");
                assertThat(second.alive()).isTrue();
            }
        }
    }

    @Test
    void aSilentDeviceIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(8))) {
            d.write(connect("dev-k", token, 2, null));
            long start = System.nanoTime();
            RawDevice.Packet connack = d.read();
            assertThat(connack.body()).containsExactly(0, 0);
            assertThat(d.closedByBroker()).as("closed within 8 s").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(8));
        }
        assertThat(awaitEvent("mqtt.keepalive", "dev-k").kind()).isEqualTo("dropped");
    }

    @Test
    void aDeviceThatPingsWithinItsKeepAliveStaysAndIsClosedOnceItFallsSilent() throws Exception {
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(8))) {
            d.write(connect("dev-kp", token, 1, null));
            assertThat(d.read().body()).containsExactly(0, 0);
            // 1.5 s allowed; a ping every 0.6 s for 4 s, well past that, keeps the connection
            for (int i = 0; i < 7; i++) {
                Thread.sleep(600);
                assertThat(d.alive()).as("alive after %d pings", i).isTrue();
            }
            long silent = System.nanoTime();
            assertThat(d.closedByBroker()).as("closed within 8 s of falling silent").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - silent)).isBetween(Duration.ofMillis(1000),
                    Duration.ofSeconds(4));
        }
        assertThat(awaitEvent("mqtt.keepalive", "dev-kp").kind()).isEqualTo("dropped");
    }

    @Test
    void aDeviceThatKeepsPingingIsStillClosedWhenItsTokenExpiresPlusTheSkew() throws Exception {
        String shortLived = TokenForge.es256(ec).claims(NOW, NOW + 2, "my-project").build();
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(2))) {
            d.write(connect("dev-ep", shortLived, 1, null));
            assertThat(d.read().body()).containsExactly(0, 0);
            // a ping every 0.4 s, well within the 1.5 s the keep-alive allows, until the broker closes
            boolean alive = true;
            for (int i = 0; i < 30 && alive; i++) {
                Thread.sleep(400);
                alive = d.alive();
            }
            assertThat(alive).as("closed for its token while pinging, within 12 s").isFalse();
        }
        assertThat(awaitEvent("jwt.exp.expired", "dev-ep").kind()).isEqualTo("dropped");
    }

    @Test
    void aConnectionIsClosedWhenItsTokenExpiresPlusTheSkew() throws Exception {
        String shortLived = TokenForge.es256(ec).claims(NOW, NOW + 2, "my-project").build();
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(10))) {
            d.write(connect("dev-e", shortLived, 0, null));
            assertThat(d.read().body()).containsExactly(0, 0);
            assertThat(d.closedByBroker()).as("closed within 10 s").isTrue();
        }
        assertThat(awaitEvent("jwt.exp.expired", "dev-e").kind()).isEqualTo("dropped");
    }

    // --- reports --------------------------------------------------------------------------------------------

    @Test
    void refusedAndAcceptedConnectionsEndInAReport() throws Exception {
        try (RawDevice refused = open()) {
            refused.write(connect("dev-r1", badToken, 60, null));
            assertThat(refused.read().body()).containsExactly(0, 5);
        }
        try (RawDevice accepted = connected("dev-r2")) {
            assertThat(accepted.publish1("/devices/dev-r2/events", bytes("t"))).isEqualTo(4);
            accepted.write(DISCONNECT);
            assertThat(accepted.closedByBroker()).isTrue();
        }
        Diagnosis no = awaitReport("dev-r1");
        assertThat(no.steps()).extracting(StepResult::id).containsExactly("tcp", "tls", "mqtt", "session");
        assertThat(no.ok()).isFalse();
        assertThat(no.cause().code()).isEqualTo(LISTENER.events.stream().filter(e -> "dev-r1".equals(e.device())
                && "refused".equals(e.kind())).findFirst().orElseThrow().code()).startsWith("jwt.signature");
        assertThat(status(no)).containsExactly(Map.entry("tcp", Status.PASS), Map.entry("tls", tlsStatus(no)),
                Map.entry("mqtt", Status.FAIL), Map.entry("session", Status.SKIPPED));

        Diagnosis yes = awaitReport("dev-r2");
        assertThat(yes.steps()).extracting(StepResult::id).containsExactly("tcp", "tls", "mqtt", "session");
        assertThat(yes.ok()).isTrue();
        assertThat(yes.cause()).isNull();
        assertThat(status(yes)).containsExactly(Map.entry("tcp", Status.PASS), Map.entry("tls", tlsStatus(yes)),
                Map.entry("mqtt", Status.PASS), Map.entry("session", Status.PASS));
        assertThat(yes.steps().get(3).facts().get("telemetry")).startsWith("1 message");
    }

    /** The tls step passed (a warning about the client's TLS is no failure of the connection). */
    static Status tlsStatus(Diagnosis d) {
        Status tls = d.steps().get(1).status();
        assertThat(tls).as("tls step: " + d.steps().get(1)).isIn(Status.PASS, Status.WARN);
        return tls;
    }

    static Map<String, Status> status(Diagnosis d) {
        Map<String, Status> out = new LinkedHashMap<>();
        for (StepResult s : d.steps()) {
            out.put(s.id(), s.status());
        }
        return out;
    }
}
