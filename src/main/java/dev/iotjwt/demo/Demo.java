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
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
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
 * telemetry event and receives the device's config, the device connected again while the bridge pushes a new config
 * and sends it a command (what IoT Core's device manager did), and one refusal diagnosed (the seed's padded token
 * under {@code --strict}). Everything it made is deleted afterwards.
 */
public final class Demo {
    public static final String PROJECT = "demo-project";
    public static final String REGION = "us-central1";
    public static final String REGISTRY = "demo-registry";
    public static final String DEVICE = "demo-device";
    static final String CONFIG = "{\"led\":\"on\",\"report_every_s\":60}";
    static final String TELEMETRY = "{\"temperature_c\":21.5}";
    /** The config the bridge pushes while the device is connected, and the command it sends. */
    static final String NEW_CONFIG = "{\"led\":\"blink\",\"report_every_s\":10}";
    static final String COMMAND_SUBFOLDER = "led";
    static final String COMMAND = "flash 3";
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
     * @param live           the device connected while the bridge pushed a config and sent a command
     * @param padded         the diagnosis of the padded token's connection
     * @param brokerLog      the broker's connection events, in order
     */
    public record Report(boolean ok, Path stateDir, int port, String clientId, String keyFingerprint,
                         MintedToken token, Diagnosis connect, List<BrokerListener.Message> received, String config,
                         Live live, Diagnosis padded, List<BrokerListener.Event> brokerLog) {
    }

    /**
     * The device connected, subscribed to its config and commands, while the bridge set a new config and sent a
     * command.
     *
     * @param ok               both arrived, in order, after the config the subscription brought
     * @param configVersion    the version of the config the bridge pushed
     * @param newConfig        its payload
     * @param commandTopic     the topic the command was sent to
     * @param command          its payload
     * @param commandDelivered whether the bridge put the command on the device's connection
     * @param received         what the device received, in order, each "TOPIC PAYLOAD"
     * @param failure          why the live part failed, or null
     */
    public record Live(boolean ok, long configVersion, String newConfig, String commandTopic, String command,
                       boolean commandDelivered, List<String> received, String failure) {
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
        KeyMaterial key = new KeyReader().privateKey(privateFile, PasswordSource.NONE);
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
            List<VerifyKey> keys = List.of(new VerifyKey("the demo device's key", key.type(), key.publicHalf(), null));
            CaBundle ca = CaBundle.fromFiles(List.of(broker.pki().caFile()), now);
            TlsSettings tls = new TlsSettings("localhost", List.of(), List.of(), List.of(), List.of(), now);
            Diagnosis connect = new ConnectDoctor().run(new ConnectRequest("local", "localhost", broker.port(), ca,
                    clientId, "unused", token.token(), "minted from the demo device's key (ES256, 20 m)", keys, tls,
                    timeout, now, ClientIds.eventsTopic(DEVICE), TELEMETRY, ClientIds.configTopic(DEVICE),
                    Duration.ofSeconds(1), Duration.ZERO, null, TTL, null));
            // the broker tells its listener after it acknowledged the PUBLISH, on another thread
            await(() -> !received.isEmpty(), timeout);
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
            Live live = live(broker, ca, tls, clientId, token.token(), timeout, now);
            // the bridge logs a device's disconnect on its own thread, after the device has gone: wait for the last
            // one, so that the log shown ends each connection it shows (it did so only when the bridge was quick)
            await(() -> log.stream().filter(e -> e.kind().equals("accepted")).count() <= log.stream()
                    .filter(e -> e.kind().equals("disconnected") || e.kind().equals("dropped")).count(), timeout);
            boolean ok = connect.ok() && configArrived && !received.isEmpty() && live.ok() && !refusal.ok()
                    && refusedForPadding;
            return new Report(ok, dir, broker.port(), clientId, Fingerprints.sha256(key.publicHalf()),
                    new MintedToken(null, token.header(), token.claims()), connect, List.copyOf(received), CONFIG,
                    live, refusal, List.copyOf(log));
        }
    }

    /**
     * The device connects again (verified TLS, as connect does), subscribes to its config and commands; the bridge
     * then sets a new config and sends a command, and the device must receive both.
     */
    private static Live live(LocalBroker broker, CaBundle ca, TlsSettings tls, String clientId, String token,
                             Duration timeout, Instant now) {
        String configTopic = ClientIds.configTopic(DEVICE);
        String commandTopic = ClientIds.commandsTopic(DEVICE).replace("#", COMMAND_SUBFOLDER);
        java.net.InetSocketAddress address = new java.net.InetSocketAddress("127.0.0.1", broker.port());
        dev.iotjwt.tls.TunnelSocketFactory tunnel = new dev.iotjwt.tls.TunnelSocketFactory(() -> {
            try {
                return dev.iotjwt.tls.TlsContexts.create(ca.certificates(), now).context();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }, address, "localhost", tls, timeout);
        try (dev.iotjwt.mqtt.PahoConnector device = new dev.iotjwt.mqtt.PahoConnector()) {
            dev.iotjwt.mqtt.PahoConnector.ConnectOutcome c = device.connect(tunnel, address, clientId, "unused",
                    token, timeout);
            if (!c.connected()) {
                return new Live(false, 0, NEW_CONFIG, commandTopic, COMMAND, false, List.of(), "the device could not"
                        + " connect again: " + (c.failure() == null ? "CONNACK " + c.connackCode()
                        : c.failure().message()));
            }
            if (device.subscribe(configTopic) != 1 || device.subscribe(ClientIds.commandsTopic(DEVICE)) != 1) {
                return new Live(false, 0, NEW_CONFIG, commandTopic, COMMAND, false, device.received(),
                        "the device's subscriptions were not granted");
            }
            // the subscription brings the current config first
            await(() -> device.received().size() >= 1, timeout);
            long version = broker.updateConfig(DEVICE, NEW_CONFIG.getBytes(StandardCharsets.UTF_8)).version();
            await(() -> device.received().size() >= 2, timeout);
            boolean delivered;
            try {
                delivered = broker.sendCommand(DEVICE, COMMAND_SUBFOLDER, COMMAND.getBytes(StandardCharsets.UTF_8))
                        .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                delivered = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                delivered = false;
            }
            await(() -> device.received().size() >= 3, timeout);
            List<String> got = device.received();
            boolean ok = delivered && got.size() == 3 && got.get(0).equals(configTopic + " " + CONFIG)
                    && got.get(1).equals(configTopic + " " + NEW_CONFIG)
                    && got.get(2).equals(commandTopic + " " + COMMAND);
            return new Live(ok, version, NEW_CONFIG, commandTopic, COMMAND, delivered, got, ok ? null
                    : "the device received " + got.size() + " of the 3 messages expected");
        }
    }

    private static void await(java.util.function.BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
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
