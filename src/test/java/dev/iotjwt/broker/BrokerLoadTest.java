package dev.iotjwt.broker;

import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.Curves;
import dev.iotjwt.keys.KeyType;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 devices, each with its own P-256 key, connecting to a --strict broker at once (200 connecting in parallel,
 * all 1,000 held open together), one in ten with a bad token: expired, signed by a key not registered for it, the
 * wrong aud, '=' padding. Every bad one gets CONNACK 5 and its own finding code in the broker's events; every good one
 * CONNACK 0 and a PUBACK for a QoS 1 message; the heap stays bounded; a device that had not connected connects after.
 * Prints its figures (time, heap) for the report.
 */
class BrokerLoadTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final int DEVICES = 1000;
    static final int PARALLEL = 200;
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final KeyType P256 = new KeyType("EC", 256, Curves.byOid(Curves.P256_OID));
    /** The bad kinds, in turn, for every tenth device; with the code the broker must log for each. */
    static final String[][] BAD = {{"expired", "jwt.exp.expired"}, {"wrong key", "jwt.signature.invalid"},
            {"wrong aud", "jwt.aud.mismatch"}, {"padded", "jwt.base64.padding"}};

    @TempDir
    Path dir;

    record Outcome(int device, int connack, String error, RawDevice client) {
    }

    static String id(int i) {
        return String.format("dev-%04d", i);
    }

    static boolean bad(int i) {
        return i % 10 == 9;
    }

    static String[] badKind(int i) {
        return BAD[(i / 10) % BAD.length];
    }

    @Test
    @Timeout(600)
    void aThousandDevicesAtOnceEveryBadOneRefusedWithItsCodeEveryGoodOneServed() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair stranger = g.generateKeyPair(); // registered for no device: the "wrong key"
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i <= DEVICES; i++) { // one more: the fresh device that connects at the end
            KeyPair k = g.generateKeyPair();
            r = r.with(new Registry.Device(id(i), false, List.of(new Registry.Credential("ES256_PEM",
                    new VerifyKey(id(i), P256, k.getPublic(), null), null)), null));
            TokenForge t = TokenForge.es256(k.getPrivate()).claims(NOW, NOW + 3600, "my-project");
            if (bad(i) && i < DEVICES) {
                t = switch (badKind(i)[0]) {
                    case "expired" -> TokenForge.es256(k.getPrivate()).claims(NOW - 7200, NOW - 3600, "my-project");
                    case "wrong key" -> TokenForge.es256(stranger.getPrivate()).claims(NOW, NOW + 3600, "my-project");
                    case "wrong aud" -> TokenForge.es256(k.getPrivate()).claims(NOW, NOW + 3600, "other-project");
                    default -> t.padded();
                };
            }
            tokens.add(t.build());
        }
        Queue<BrokerListener.Event> events = new ConcurrentLinkedQueue<>();
        long heapBefore = usedHeapAfterGc();
        // a long connect timeout: 1,000 full handshakes on a shared 2-core machine must not be cut by it here
        try (LocalBroker broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK, Duration.ofSeconds(60)),
                new BrokerListener() {
                    @Override
                    public void event(Event event) {
                        events.add(event);
                    }

                    @Override
                    public void message(Message message) {
                    }
                })) {
            SSLContext tls = LocalBrokerTest.trusting(broker);
            long heapIdle = usedHeapAfterGc();
            // two waves: what the first leaves behind must not grow with the second (pools and caches, not leaks)
            long[] connectMillis = new long[2];
            long[] publishMillis = new long[2];
            long[] heapHeld = new long[2];
            long[] heapAfter = new long[2];
            for (int wave = 0; wave < 2; wave++) {
                events.clear();
                ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Outcome>> futures = new ArrayList<>();
                for (int i = 0; i < DEVICES; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> {
                        go.await();
                        RawDevice d = null;
                        try {
                            d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(60));
                            return new Outcome(n, d.connect(PREFIX + id(n), tokens.get(n)), null, d);
                        } catch (Exception e) {
                            return new Outcome(n, -1, e.toString(), d);
                        }
                    }));
                }
                long t0 = System.nanoTime();
                go.countDown();
                List<Outcome> connects = new ArrayList<>();
                for (Future<Outcome> f : futures) {
                    connects.add(f.get(300, TimeUnit.SECONDS));
                }
                connectMillis[wave] = (System.nanoTime() - t0) / 1_000_000;
                // every good device publishes QoS 1 while all of them are still connected
                long t1 = System.nanoTime();
                List<Future<String>> publishes = new ArrayList<>();
                for (Outcome o : connects) {
                    if (o.connack() == 0) {
                        publishes.add(pool.submit(() -> {
                            try {
                                int answer = o.client().publish1("/devices/" + id(o.device()) + "/events",
                                        ("hello from " + id(o.device())).getBytes(StandardCharsets.UTF_8));
                                return answer == 4 ? null : id(o.device()) + ": packet type " + answer;
                            } catch (Exception e) {
                                return id(o.device()) + ": " + e;
                            }
                        }));
                    }
                }
                List<String> publishFailures = new ArrayList<>();
                for (Future<String> f : publishes) {
                    String failure = f.get(300, TimeUnit.SECONDS);
                    if (failure != null) {
                        publishFailures.add(failure);
                    }
                }
                publishMillis[wave] = (System.nanoTime() - t1) / 1_000_000;
                heapHeld[wave] = usedHeapAfterGc();
                for (Outcome o : connects) {
                    if (o.client() != null) {
                        o.client().close();
                    }
                }
                pool.shutdown();
                // the heap measured afterwards is the broker's: this test lets go of its 1,000 client sockets
                connects.replaceAll(o -> new Outcome(o.device(), o.connack(), o.error(), null));
                futures.clear();
                assertThat(publishFailures).as("QoS 1 publishes without PUBACK").isEmpty();
                assertThat(publishes).hasSize(DEVICES - DEVICES / 10);

                Map<String, String> failures = new TreeMap<>();
                for (Outcome o : connects) {
                    int expected = bad(o.device()) ? 5 : 0;
                    if (o.connack() != expected) {
                        failures.put(id(o.device()), "CONNACK " + o.connack() + " (expected " + expected + ")"
                                + (o.error() != null ? " " + o.error() : ""));
                    }
                }
                assertThat(failures).as("devices answered wrongly").isEmpty();
                Thread.sleep(200);
                Map<String, List<BrokerListener.Event>> perDevice = new TreeMap<>();
                for (BrokerListener.Event e : events) {
                    if (e.device() != null && (e.kind().equals("accepted") || e.kind().equals("refused"))) {
                        perDevice.computeIfAbsent(e.device(), k -> new ArrayList<>()).add(e);
                    }
                }
                for (int i = 0; i < DEVICES; i++) {
                    List<BrokerListener.Event> es = perDevice.getOrDefault(id(i), List.of());
                    String got = es.stream().map(e -> e.kind() + " " + e.code()).toList().toString();
                    String want = bad(i) ? "[refused " + badKind(i)[1] + "]" : "[accepted null]";
                    if (!got.equals(want)) {
                        failures.put(id(i), "events " + got + ", expected " + want);
                    }
                }
                assertThat(failures).as("devices logged wrongly").isEmpty();
                heapAfter[wave] = usedHeapAfterGc();
            }

            // afterwards: a device that had not connected connects and publishes; the broker holds 1 timer per device
            try (RawDevice fresh = RawDevice.open(tls, broker.port(), Duration.ofSeconds(10))) {
                assertThat(fresh.connect(PREFIX + id(DEVICES), tokens.get(DEVICES))).isZero();
                assertThat(fresh.publish1("/devices/" + id(DEVICES) + "/events", "after".getBytes(
                        StandardCharsets.UTF_8))).isEqualTo(4);
            }

            long mb = 1 << 20;
            for (int w = 0; w < 2; w++) {
                System.out.printf("BrokerLoadTest wave %d: %d devices (%d bad), %d connecting in parallel: all CONNACKs"
                                + " in %d ms, %d QoS 1 publishes in %d ms; used heap after GC: %d MB before the"
                                + " broker, %d MB broker idle, %d MB with all %d connected (+%d MB), %d MB after they"
                                + " left (+%d MB over idle)%n", w + 1, DEVICES, DEVICES / 10, PARALLEL,
                        connectMillis[w], DEVICES - DEVICES / 10, publishMillis[w], heapBefore / mb, heapIdle / mb,
                        heapHeld[w] / mb, DEVICES, (heapHeld[w] - heapIdle) / mb, heapAfter[w] / mb,
                        (heapAfter[w] - heapIdle) / mb);
                // generous bounds: the broker and the 1,000 client sockets share this JVM
                assertThat(heapHeld[w] - heapIdle).as("heap with 1,000 connections").isLessThan(512 * mb);
                assertThat(heapAfter[w] - heapIdle).as("heap once they left").isLessThan(64 * mb);
            }
            assertThat(heapAfter[1] - heapAfter[0]).as("heap the second wave left over the first").isLessThan(16 * mb);
        }
    }

    @Test
    @Timeout(300)
    void aDeviceReconnectingOverAndOverDoesNotPileUpDropTimers() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(new Registry.Device("dev-0000", false, List.of(new Registry.Credential("ES256_PEM",
                        new VerifyKey("dev-0000", P256, k.getPublic(), null), null)), null));
        String token = TokenForge.es256(k.getPrivate()).claims(NOW, NOW + 3600, "my-project").build();
        try (LocalBroker broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK), new BrokerListener() {
                    @Override
                    public void event(Event event) {
                    }

                    @Override
                    public void message(Message message) {
                    }
                })) {
            SSLContext tls = LocalBrokerTest.trusting(broker);
            for (int i = 0; i < 200; i++) {
                try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(10))) {
                    assertThat(d.connect(PREFIX + "dev-0000", token)).isZero();
                }
            }
            // each connection replaced the last one's drop timer (due in an hour): the replaced ones are gone
        }
    }

    @Test
    @Timeout(300)
    void aConnectedDeviceCannotMakeTheBrokerKeepRetainedMessagesOrEndlessSubscriptions() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair k = g.generateKeyPair();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(new Registry.Device("dev-0000", false, List.of(new Registry.Credential("ES256_PEM",
                        new VerifyKey("dev-0000", P256, k.getPublic(), null), null)), null));
        String token = TokenForge.es256(k.getPrivate()).claims(NOW, NOW + 3600, "my-project").build();
        java.util.concurrent.atomic.AtomicInteger messages = new java.util.concurrent.atomic.AtomicInteger();
        try (LocalBroker broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK), new BrokerListener() {
                    @Override
                    public void event(Event event) {
                    }

                    @Override
                    public void message(Message message) {
                        messages.incrementAndGet(); // counted, not kept: the heap measured is the broker's
                    }
                });
             RawDevice d = RawDevice.open(LocalBrokerTest.trusting(broker), broker.port(), Duration.ofSeconds(30))) {
            assertThat(d.connect(PREFIX + "dev-0000", token)).isZero();
            long before = usedHeapAfterGc();
            byte[] payload = new byte[250 * 1024];
            for (int i = 0; i < 120; i++) { // 30 MB of retained messages, were they kept
                assertThat(d.publishRetained1("/devices/dev-0000/events/r" + i, payload)).isEqualTo(4);
            }
            String level = "c".repeat(30_000);
            for (int i = 0; i < 500; i++) { // 15 MB of subscriptions, were they taken
                assertThat(d.subscribe("/devices/dev-0000/commands/" + i + level)).isEqualTo(0x80);
            }
            assertThat(d.alive()).isTrue();
            long grown = usedHeapAfterGc() - before;
            System.out.printf("BrokerLoadTest: 120 retained 250 KiB messages and 500 30 KB subscriptions later the heap"
                    + " grew %d KB%n", grown / 1024);
            assertThat(grown).isLessThan(12L << 20);
            for (int i = 0; i < 100 && messages.get() < 120; i++) {
                Thread.sleep(20);
            }
            assertThat(messages.get()).as("delivered as ordinary messages").isEqualTo(120);
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
