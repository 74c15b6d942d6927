package dev.iotjwt.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.keys.Pem;
import dev.iotjwt.keys.SecretFiles;
import dev.iotjwt.mqtt.ClientIds;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load on a bridge from a fleet of simulated devices, each with its own P-256 key and token: connects at a chosen
 * concurrency, holds every connection for the duration, optionally publishes at a rate, and measures.
 */
public final class LoadBench {
    static final String KEYS = "keys.jsonl";
    static final String REGISTRY = "registry.json";

    /** A fleet: its ids and the private key of each device. */
    public record Fleet(String project, String region, String registry, List<String> ids, List<PrivateKey> keys) {
    }

    /**
     * How to load the bridge.
     *
     * @param roots          the roots to verify it with (null: the JDK's)
     * @param publishRate    messages a second per device (0: connect and hold only)
     * @param staticPassword a password to send instead of each device's token (brokers that take no JWT), or null
     * @param nativeTls      the devices' TLS in BoringSSL where its native library loads (false: the JDK's engine)
     */
    public record Settings(InetSocketAddress address, String host, List<X509Certificate> roots, int devices,
                           int concurrency, double publishRate, Duration duration, Duration timeout, String username,
                           String staticPassword, Clock clock, boolean nativeTls) {
    }

    /** Latency percentiles in milliseconds. */
    public record Percentiles(double p50, double p95, double p99, double max) {
        static Percentiles of(long[] nanos, int n) {
            if (n == 0) {
                return new Percentiles(0, 0, 0, 0);
            }
            long[] v = Arrays.copyOf(nanos, n);
            Arrays.sort(v);
            return new Percentiles(ms(v, 0.50), ms(v, 0.95), ms(v, 0.99), v[n - 1] / 1e6);
        }

        private static double ms(long[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
        }
    }

    /**
     * What the bench measured.
     *
     * @param heldAtEnd         connections that still answered a PINGREQ when the hold ended
     * @param connectsPerSecond devices connected (CONNACK 0) per second of the connect phase
     * @param connect           TCP + TLS + CONNACK latency of the connected devices
     * @param publish           PUBLISH → PUBACK latency
     * @param failures          devices that did not connect (and publishes that failed), by code
     * @param tls               the devices' TLS engine: BoringSSL or JDK
     */
    public record Report(int devices, int connected, int heldAtEnd, long connectMillis, double connectsPerSecond,
                         Percentiles connect, long published, Percentiles publish, Map<String, Integer> failures,
                         long heldMillis, String tls) {
    }

    /** Told once a second while the bench runs. */
    public interface Progress {
        void update(String line);
    }

    /** Makes a fleet of {@code n} devices in {@code dir}: their keys (owner-only) and a registry for the broker. */
    public static void prepare(Path dir, int n, String project, String region, String registry)
            throws InputException {
        try {
            dev.iotjwt.keys.SecretFiles.createPrivateDirectories(dir);
            Path keys = dir.resolve(KEYS);
            Files.deleteIfExists(keys);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            JsonArray devices = new JsonArray();
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < n; i++) {
                KeyPair pair = g.generateKeyPair();
                String id = "bench-" + i;
                lines.append("{\"id\":\"").append(id).append("\",\"pkcs8\":\"")
                        .append(Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded())).append("\"}\n");
                JsonObject key = new JsonObject();
                key.addProperty("format", "ES256_PEM");
                key.addProperty("key", Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()));
                JsonObject cred = new JsonObject();
                cred.add("publicKey", key);
                JsonArray creds = new JsonArray();
                creds.add(cred);
                JsonObject d = new JsonObject();
                d.addProperty("id", id);
                d.addProperty("blocked", false);
                d.add("credentials", creds);
                devices.add(d);
            }
            SecretFiles.create(keys, lines.toString().getBytes(StandardCharsets.US_ASCII));
            JsonObject root = new JsonObject();
            root.addProperty("project", project);
            root.addProperty("region", region);
            root.addProperty("registry", registry);
            root.add("devices", devices);
            Files.writeString(dir.resolve(REGISTRY), root.toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new InputException(null, dir + ": cannot make the fleet: " + e.getMessage(), null, e);
        }
    }

    /** Reads a fleet that {@link #prepare} made. */
    public static Fleet load(Path dir) throws InputException {
        Path registry = dir.resolve(REGISTRY);
        JsonObject root = JsonParser.parseString(new String(InputFiles.read(registry, 256L << 20, "a registry"),
                StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> ids = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(dir.resolve(KEYS), StandardCharsets.US_ASCII)) {
            KeyFactory kf = KeyFactory.getInstance("EC");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                ids.add(o.get("id").getAsString());
                keys.add(kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
                        o.get("pkcs8").getAsString()))));
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new InputException(dir.resolve(KEYS) + ": cannot read the fleet's keys: " + e.getMessage(),
                    "make the fleet with iotjwt bench --prepare " + dir);
        }
        return new Fleet(root.get("project").getAsString(), root.get("region").getAsString(),
                root.get("registry").getAsString(), ids, keys);
    }

    public Report run(Fleet fleet, Settings s, Progress progress) throws InputException, InterruptedException {
        int n = Math.min(s.devices(), fleet.ids().size());
        BenchNetwork network;
        try {
            network = BenchNetwork.open(s.address(), s.host(), s.roots(), s.clock().instant(), s.timeout(),
                    s.nativeTls());
        } catch (GeneralSecurityException | IOException e) {
            throw new InputException(null, "cannot set up TLS: " + e.getMessage(), null, e);
        }
        String[] passwords = new String[n];
        java.util.stream.IntStream.range(0, n).parallel().forEach(i -> passwords[i] = s.staticPassword() != null
                ? s.staticPassword() : new JwtMinter().compact(new MintRequest(fleet.keys().get(i), JwtAlg.ES256,
                fleet.project(), s.clock().instant(), Duration.ofHours(1), Map.of()), null));
        BenchClient[] clients = new BenchClient[n];
        long[] connectNanos = new long[n];
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger attempted = new AtomicInteger();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(s.concurrency(), daemon("iotjwt-bench"));
        java.util.concurrent.ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                daemon("iotjwt-bench-progress"));
        long start = System.nanoTime();
        ticker.scheduleAtFixedRate(() -> progress.update(String.format("connecting: %d/%d connected, %d failed, %.0f"
                        + " connects/s", connected.get(), n, attempted.get() - connected.get(), connected.get()
                        / Math.max(1e-9, (System.nanoTime() - start) / 1e9))), 1, 1, TimeUnit.SECONDS);
        try {
            for (int i = 0; i < n; i++) {
                int d = i;
                pool.execute(() -> {
                    long t0 = System.nanoTime();
                    try {
                        BenchClient.Connected c = BenchClient.connect(network,
                                ClientIds.of(fleet.project(), fleet.region(), fleet.registry(), fleet.ids().get(d)),
                                s.username(), passwords[d], s.timeout());
                        if (c.connack() == 0) {
                            connectNanos[d] = System.nanoTime() - t0;
                            clients[d] = c.client();
                            connected.incrementAndGet();
                        } else {
                            failures.merge(dev.iotjwt.mqtt.ConnackCodes.code(c.connack()), 1, Integer::sum);
                            c.client().close();
                        }
                    } catch (IOException | RuntimeException e) {
                        failures.merge(code(e), 1, Integer::sum);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        attempted.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.DAYS);
            long connectMillis = (System.nanoTime() - start) / 1_000_000;
            long[] ok = new long[connected.get()];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (clients[i] != null && k < ok.length) {
                    ok[k++] = connectNanos[i];
                }
            }
            long heldFrom = System.nanoTime();
            LongAdder published = new LongAdder();
            long[][] publishNanos = new long[s.concurrency()][];
            int[] publishCount = new int[s.concurrency()];
            if (s.publishRate() > 0) {
                publish(s, fleet, clients, published, publishNanos, publishCount, failures, progress);
            } else {
                progress.update("holding " + connected.get() + " connections for " + s.duration().toSeconds() + " s");
                Thread.sleep(s.duration().toMillis());
            }
            long heldMillis = (System.nanoTime() - heldFrom) / 1_000_000;
            // what the broker still holds at the end, asked of each connection, not assumed
            int alive = 0;
            for (int i = 0; i < clients.length; i++) {
                if (clients[i] != null && clients[i].alive()) {
                    alive++;
                } else if (clients[i] != null) {
                    failures.merge("mqtt.dropped", 1, Integer::sum);
                    clients[i].close();
                    clients[i] = null;
                }
            }
            int totalPublished = Arrays.stream(publishCount).sum();
            long[] done = new long[totalPublished];
            int at = 0;
            for (int w = 0; w < publishNanos.length; w++) {
                if (publishNanos[w] != null) {
                    System.arraycopy(publishNanos[w], 0, done, at, publishCount[w]);
                    at += publishCount[w];
                }
            }
            return new Report(n, connected.get(), alive, connectMillis, connected.get() / Math.max(0.001,
                    connectMillis / 1000.0), Percentiles.of(ok, ok.length), published.sum(),
                    Percentiles.of(done, done.length), new TreeMap<>(failures), heldMillis, network.provider());
        } finally {
            ticker.shutdownNow();
            pool.shutdownNow();
            for (BenchClient c : clients) {
                if (c != null) {
                    c.close();
                }
            }
            network.close();
        }
    }

    /** Each worker publishes on its share of the devices, one message a device every 1/rate s, for the duration. */
    private static void publish(Settings s, Fleet fleet, BenchClient[] clients, LongAdder published,
                                long[][] nanos, int[] counts, Map<String, Integer> failures, Progress progress)
            throws InterruptedException {
        long end = System.nanoTime() + s.duration().toNanos();
        long period = (long) (1e9 / s.publishRate());
        ExecutorService workers = Executors.newFixedThreadPool(s.concurrency(), daemon("iotjwt-bench-publish"));
        byte[] payload = "{\"bench\":true}".getBytes(StandardCharsets.UTF_8);
        for (int w = 0; w < s.concurrency(); w++) {
            int worker = w;
            nanos[w] = new long[1024];
            workers.execute(() -> {
                for (long next = System.nanoTime(); System.nanoTime() < end; next += period) {
                    for (int d = worker; d < clients.length; d += s.concurrency()) {
                        BenchClient c = clients[d];
                        if (c == null || System.nanoTime() >= end) {
                            continue;
                        }
                        long t0 = System.nanoTime();
                        try {
                            c.publish(ClientIds.eventsTopic(fleet.ids().get(d)), payload);
                            if (counts[worker] == nanos[worker].length) {
                                nanos[worker] = Arrays.copyOf(nanos[worker], counts[worker] * 2);
                            }
                            nanos[worker][counts[worker]++] = System.nanoTime() - t0;
                            published.increment();
                        } catch (IOException e) {
                            failures.merge(e instanceof SocketTimeoutException ? "mqtt.timeout" : "mqtt.dropped", 1,
                                    Integer::sum);
                            c.close();
                            clients[d] = null;
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    long sleep = next + period - System.nanoTime();
                    if (sleep > 0) {
                        try {
                            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
        workers.shutdown();
        while (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
            progress.update("publishing: " + published.sum() + " PUBACKs");
        }
    }

    /** The finding code of a connection that failed (DESIGN.md's contract, the codes {@code connect} uses). */
    private static String code(Exception e) {
        if (e instanceof BenchClient.Failure f) {
            return f.code();
        }
        if (e instanceof ConnectException) {
            return "tcp.refused";
        }
        if (e instanceof SocketTimeoutException) {
            return "mqtt.timeout";
        }
        if (e instanceof IOException) {
            return "mqtt.closed";
        }
        return e.getClass().getSimpleName(); // a bug, not a finding: named so that it is reported
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
