package dev.iotjwt.demo;

import dev.iotjwt.InputException;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.connect.ConnectDoctor;
import dev.iotjwt.connect.ConnectRequest;
import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.jwt.MintedToken;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.mqtt.ClientIds;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The whole flow on this machine, in one process: a device key pair, a registry with that device, the local broker
 * on an ephemeral port of 127.0.0.1 with a temporary state folder, a token, a diagnosed connection that publishes a
 * telemetry event and receives the device's config, and one refusal diagnosed (the seed's padded token under
 * {@code --strict}). Everything it made is deleted afterwards.
 */
public final class Demo {
    public static final String PROJECT = "demo-project";
    public static final String REGION = "us-central1";
    public static final String REGISTRY = "demo-registry";
    public static final String DEVICE = "demo-device";
    static final String CONFIG = "{\"led\":\"on\",\"report_every_s\":60}";
    static final String TELEMETRY = "{\"temperature_c\":21.5}";
    private static final Duration TTL = Duration.ofMinutes(20);

    /**
     * What the demo did.
     *
     * @param ok             whether the flow worked and the refusal was the expected one
     * @param stateDir       the temporary folder (deleted when run returns)
     * @param port           the broker's port
     * @param clientId       the device's client id
     * @param keyFingerprint SHA-256 of the device's public key
     * @param token          the minted token's header and claims (the token text itself is not kept)
     * @param connect        the diagnosis of the device's connection, with publish and config
     * @param received       what the broker received from the device
     * @param config         the config the device should receive
     * @param padded         the diagnosis of the padded token's connection
     * @param brokerLog      the broker's connection events, in order
     */
    public record Report(boolean ok, Path stateDir, int port, String clientId, String keyFingerprint,
                         MintedToken token, Diagnosis connect, List<BrokerListener.Message> received, String config,
                         Diagnosis padded, List<BrokerListener.Event> brokerLog) {
    }

    public Report run(Clock clock, Duration timeout) throws InputException {
        // Ctrl-C or SIGTERM: the folder holds the device's private key and the CA key, so it goes then too. The hook
        // is in place before the folder exists, so no signal falls between the two.
        java.util.concurrent.atomic.AtomicReference<Path> made = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cleanup = new Thread(() -> {
            synchronized (files) {
                interrupted = true;
                delete(made.get());
            }
        }, "iotjwt-demo-cleanup");
        try {
            Runtime.getRuntime().addShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            throw new InputException("the demo was interrupted before it began");
        }
        try {
            Path dir;
            synchronized (files) {
                requireRunning();
                try {
                    dir = Files.createTempDirectory("iotjwt-demo-");
                } catch (IOException e) {
                    throw new InputException("cannot create a temporary folder for the demo: " + e.getMessage());
                }
                made.set(dir);
            }
            return run(dir, clock, timeout);
        } finally {
            synchronized (files) {
                delete(made.get());
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // the hook deletes the folder
            }
        }
    }

    /** Held while the demo writes into its folder, and by the shutdown hook that deletes it: no file outlives it. */
    private final Object files = new Object();
    private volatile boolean interrupted;

    /** Refuses to write into the folder once the shutdown hook deleted it. */
    private void requireRunning() throws InputException {
        if (interrupted) {
            throw new InputException("the demo was interrupted; its temporary folder is deleted");
        }
    }

    private Report run(Path dir, Clock clock, Duration timeout) throws InputException {
        dev.iotjwt.material.KeyGenerator.Generated made;
        synchronized (files) {
            requireRunning();
            made = new dev.iotjwt.material.KeyGenerator().generate(dev.iotjwt.material.KeyGenerator.Type.ec, dir,
                    "demo_device", 1, false, clock.instant());
        }
        Path privateFile = made.privateKey();
        Path publicFile = made.publicKey();
        KeyMaterial key = new KeyLoader().readPrivateKey(privateFile, PasswordSource.NONE);
        Registry registry = new Registry(PROJECT, REGION, REGISTRY, new LinkedHashMap<>())
                .with(Registry.deviceOf(DEVICE, publicFile, CONFIG.getBytes(StandardCharsets.UTF_8)));
        List<BrokerListener.Event> log = new CopyOnWriteArrayList<>();
        List<BrokerListener.Message> received = new CopyOnWriteArrayList<>();
        BrokerListener listener = new BrokerListener() {
            @Override
            public void event(Event event) {
                // connect's TCP step opens and closes a connection before its TLS step: not the device's story
                if (!event.kind().equals("closed")) {
                    log.add(event);
                }
            }

            @Override
            public boolean wantsReports() {
                return false;
            }

            @Override
            public void message(Message message) {
                received.add(message);
            }
        };
        String clientId = registry.clientIdOf(DEVICE);
        LocalBroker started;
        synchronized (files) {
            requireRunning();
            started = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("broker"),
                    List.of("localhost", "127.0.0.1"), false, true, Duration.ofMinutes(10), clock), listener);
        }
        try (LocalBroker broker = started) {
            Instant now = clock.instant();
            MintRequest mint = new MintRequest(key.privateKey(), JwtAlg.ES256, PROJECT, now, TTL, Map.of());
            MintedToken token = new JwtMinter().mint(mint);
            List<VerifyKey> keys = List.of(new VerifyKey("the demo device's key", key.type(),
                    KeyLoader.publicKeyOf(key), null));
            CaBundle ca = CaBundle.fromFiles(List.of(broker.pki().caFile()), now);
            TlsSettings tls = new TlsSettings("localhost", List.of(), List.of(), List.of(), List.of(), now);
            Diagnosis connect = new ConnectDoctor().run(new ConnectRequest("local", "localhost", broker.port(), ca,
                    clientId, "unused", token.token(), "minted from the demo device's key (ES256, 20 m)", keys, tls,
                    timeout, now, ClientIds.eventsTopic(DEVICE), TELEMETRY, ClientIds.configTopic(DEVICE),
                    Duration.ofSeconds(1), Duration.ZERO, null, TTL, null));
            awaitMessage(received, timeout);
            String padded;
            try {
                padded = new JwtMinter().mintPadded(mint);
            } catch (GeneralSecurityException e) {
                throw new InputException(null, "cannot sign the demo's padded token: " + e.getMessage(), null, e);
            }
            Diagnosis refusal = new ConnectDoctor().run(new ConnectRequest("local", "localhost", broker.port(), ca,
                    clientId, "unused", padded, "made as the seed's firmware made it: base64 with '=' padding", keys,
                    tls, timeout, now, null, "", null, Duration.ZERO, Duration.ZERO, null, TTL, null));
            boolean refusedForPadding = log.stream().anyMatch(e -> e.kind().equals("refused")
                    && "jwt.base64.padding".equals(e.code()));
            boolean configArrived = connect.steps().stream().anyMatch(s -> s.id().equals("session")
                    && s.facts().values().stream().anyMatch(v -> v.contains(CONFIG)));
            boolean ok = connect.ok() && configArrived && !received.isEmpty() && !refusal.ok() && refusedForPadding;
            return new Report(ok, dir, broker.port(), clientId, Fingerprints.sha256(KeyLoader.publicKeyOf(key)),
                    new MintedToken(null, token.header(), token.claims()), connect, List.copyOf(received), CONFIG,
                    refusal, List.copyOf(log));
        }
    }

    /** The broker tells its listener after it acknowledged the PUBLISH, on another thread. */
    private static void awaitMessage(List<BrokerListener.Message> received, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(walk.toList());
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a leftover temporary folder is harmless; the report names it
        }
    }
}
