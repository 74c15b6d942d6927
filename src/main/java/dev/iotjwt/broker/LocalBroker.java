package dev.iotjwt.broker;

import dev.iotjwt.InputException;
import dev.iotjwt.mqtt.ClientIds;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The local IoT-Core-compatible broker: Moquette (a real MQTT broker) behind TLS only, with the registry's devices
 * judged as IoT Core judged them ({@link DeviceAuthenticator}), CONNACK 5 for a refusal, each device confined to its
 * own topics, QoS 2 refused by closing, the connection dropped when its token expires (plus skew), and the latest
 * config delivered on subscribe. A connection has the connect timeout, from TCP accept, to send its whole CONNECT, or
 * it is closed: however slowly it trickles bytes, and whether or not its TLS handshake ever finished. This is the only
 * class that touches Moquette.
 */
public final class LocalBroker implements AutoCloseable {
    /** Largest MQTT packet accepted: IoT Core's 256 KiB payload plus headers. */
    private static final int MAX_MESSAGE = 256 * 1024 + 6 * 1024;
    private static final Duration START_BOUND = Duration.ofSeconds(10);
    private static final String SELF = "iotjwt-broker";

    static {
        // Netty 4.1.93 reaches for sun.misc.Unsafe, which Java 24+ warns about on stderr; it runs without it
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
    }

    private final BrokerSettings settings;
    private final BrokerListener listener;
    private final BrokerPki pki;
    private final boolean pkiCreated;
    private final DeviceAuthenticator authenticator;
    private final Server server = new Server();
    private final ScheduledExecutorService timers;
    private final Map<String, Expiry> expiry = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> connected = ConcurrentHashMap.newKeySet();
    private volatile int port;
    private volatile boolean closed;

    private LocalBroker(BrokerSettings settings, BrokerListener listener, BrokerPki pki, boolean pkiCreated) {
        this.settings = settings;
        this.listener = listener;
        this.pki = pki;
        this.pkiCreated = pkiCreated;
        this.authenticator = new DeviceAuthenticator(settings.registry(), settings.strict(), settings.skew());
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "iotjwt-broker-expiry");
            t.setDaemon(true);
            return t;
        });
        // a device that reconnects replaces its drop timer: the cancelled one must leave the queue now, not at its
        // exp + skew (up to a day later), or every reconnect would hold memory until then
        pool.setRemoveOnCancelPolicy(true);
        this.timers = pool;
    }

    /** Starts the broker; it listens when this returns. */
    public static LocalBroker start(BrokerSettings settings, BrokerListener listener) throws InputException {
        InetAddress bind = bindAddress(settings.bind());
        if (settings.port() != 0) {
            requireFree(bind, settings.port());
        }
        boolean created = !java.nio.file.Files.exists(settings.stateDir().resolve(BrokerPki.CA_CERT));
        BrokerPki pki = BrokerPki.ensure(settings.stateDir(), settings.hostnames(), settings.clock());
        LocalBroker broker = new LocalBroker(settings, listener, pki, created);
        broker.startMoquette(bind);
        return broker;
    }

    public int port() {
        return port;
    }

    public BrokerPki pki() {
        return pki;
    }

    /** Whether this start created the CA (false: reused from the state folder). */
    public boolean pkiCreated() {
        return pkiCreated;
    }

    public Registry registry() {
        return settings.registry();
    }

    public BrokerSettings settings() {
        return settings;
    }

    private static InetAddress bindAddress(String bind) throws InputException {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new InputException("--bind " + bind + ": not an address of this machine");
        }
    }

    private static void requireFree(InetAddress bind, int port) throws InputException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(bind, port), 1);
        } catch (IOException e) {
            throw new InputException(null, "cannot listen on " + bind.getHostAddress() + ":" + port + ": "
                    + e.getMessage(), "another broker may be running there; stop it or choose --port", null);
        }
    }

    private void startMoquette(InetAddress bind) throws InputException {
        // Moquette's getSslPort() reads a HashMap that its event loop writes while binding: never poll it. With port 0
        // the port is chosen here, and the broker is known to listen when a TCP connection to it succeeds.
        int chosen = settings.port() != 0 ? settings.port() : freePort(bind);
        Properties p = new Properties();
        p.setProperty("host", bind.getHostAddress());
        p.setProperty("port", "disabled");
        p.setProperty("websocket_port", "disabled");
        p.setProperty("ssl_port", String.valueOf(chosen));
        p.setProperty("persistence_enabled", "false");
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("allow_anonymous", "false");
        p.setProperty("allow_zero_byte_client_id", "false");
        p.setProperty("immediate_buffer_flush", "true");
        p.setProperty("netty.mqtt.message_size", String.valueOf(MAX_MESSAGE));
        p.setProperty("netty.tcp_nodelay", "true");
        // the idle timer Moquette puts before TLS on every connection until its CONNECT (keep-alive replaces it)
        p.setProperty("netty.channel_timeout.seconds", String.valueOf(connectTimeoutSeconds()));
        TlsTap.Ctx tls = tlsContext();
        Gate gate = new Gate();
        try {
            server.startServer(new MemoryConfig(p), List.of(new Events()), () -> tls, gate, gate);
            installConnectDeadline();
        } catch (IOException | RuntimeException e) {
            server.stopServer();
            timers.shutdownNow();
            throw new InputException(null, "cannot start the broker on " + bind.getHostAddress() + ":"
                    + chosen + ": " + e.getMessage(), null, e);
        }
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (!listening(bind, chosen) && System.nanoTime() < deadline) {
            sleep(20);
        }
        if (!listening(bind, chosen)) {
            close();
            throw new InputException("cannot listen on " + bind.getHostAddress() + ":" + chosen + ": the broker did"
                    + " not open its port within " + START_BOUND.toSeconds() + " s");
        }
        port = chosen;
        publishConfigs();
    }

    /**
     * Puts a {@link ConnectDeadline} in every new connection's pipeline. Moquette 0.17 has no hook for that: its
     * acceptor adds its optional error catcher (unused here, for Bugsnag) to every pipeline right after TLS, so the
     * deadline takes that place. Without it (another Moquette), Moquette's idle timer still closes a connection
     * silent for the timeout, and the TLS tap one that sends a TLS record after it, but not one trickling the bytes
     * of a single record: said as an error event.
     */
    private void installConnectDeadline() {
        try {
            java.lang.reflect.Field acceptorField = Server.class.getDeclaredField("acceptor");
            acceptorField.setAccessible(true);
            Object acceptor = acceptorField.get(server);
            java.lang.reflect.Field catcher = acceptor.getClass().getDeclaredField("errorsCather");
            catcher.setAccessible(true);
            if (((java.util.Optional<?>) catcher.get(acceptor)).isEmpty()) {
                catcher.set(acceptor, java.util.Optional.of(new ConnectDeadline()));
                deadlineInstalled = true;
                return;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // reported below
        }
        report("error", null, "broker.internal", "cannot put the CONNECT deadline into Moquette's pipeline; a"
                + " connection without CONNECT is closed after " + connectTimeoutSeconds() + " s of silence or at its"
                + " first TLS record after that, and an MQTT 3.1 device is closed without CONNACK 1");
    }

    /** Whether {@link ConnectDeadline} (which also lifts MQTT 3.1's client id limit) is in every pipeline. */
    private volatile boolean deadlineInstalled;

    /**
     * Closes a connection that has not sent its whole CONNECT within the connect timeout of its TCP accept; one
     * instance in every pipeline, right after TLS.
     */
    @io.netty.channel.ChannelHandler.Sharable
    private final class ConnectDeadline extends io.netty.channel.ChannelInboundHandlerAdapter {
        /** Connections accepted whose CONNECT has not been read yet, and those refused for their number. */
        private final java.util.concurrent.atomic.AtomicInteger connecting = new java.util.concurrent.atomic
                .AtomicInteger();
        private final java.util.concurrent.atomic.AtomicLong turnedAway = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong lastBusyReport = new java.util.concurrent.atomic
                .AtomicLong(Long.MIN_VALUE);
        private final io.netty.util.AttributeKey<Boolean> waiting = io.netty.util.AttributeKey.valueOf(
                "iotjwt.waiting-for-connect");

        /**
         * At the TCP accept: a connection beyond {@code maxConnecting} still waiting for their CONNECT is closed at
         * once (said at most once a second), so slow or half-open clients cannot take every socket and TLS engine;
         * the others get the deadline.
         */
        @Override
        public void handlerAdded(io.netty.channel.ChannelHandlerContext ctx) {
            if (connecting.incrementAndGet() > settings.maxConnecting()) {
                connecting.decrementAndGet();
                tooMany(ctx);
                ctx.close();
                return;
            }
            ctx.channel().attr(waiting).set(Boolean.TRUE);
            io.netty.util.concurrent.Future<?> timer = ctx.executor().schedule(() -> expire(ctx),
                    connectTimeoutSeconds(), TimeUnit.SECONDS);
            ctx.channel().closeFuture().addListener(closed -> {
                timer.cancel(false);
                connected(ctx.channel());
            });
        }

        /** The TLS tap reads the bytes before this handler gets them: once it has the CONNECT, the slot is free. */
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) throws Exception {
            if (ctx.channel().hasAttr(waiting)) {
                io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
                if (ssl != null && ssl.engine() instanceof TlsTap.TapEngine tap && tap.connectRead()) {
                    connected(ctx.channel());
                }
            }
            super.channelRead(ctx, msg);
        }

        private void connected(io.netty.channel.Channel channel) {
            if (channel.attr(waiting).getAndSet(null) != null) {
                connecting.decrementAndGet();
            }
        }

        private void tooMany(io.netty.channel.ChannelHandlerContext ctx) {
            long n = turnedAway.incrementAndGet();
            long now = System.nanoTime();
            long last = lastBusyReport.get();
            if ((last == Long.MIN_VALUE || now - last >= 1_000_000_000L) && lastBusyReport.compareAndSet(last, now)) {
                turnedAway.addAndGet(-n);
                java.net.SocketAddress from = ctx.channel().remoteAddress();
                report("refused", null, "broker.busy", settings.maxConnecting() + " connections are waiting for their"
                        + " CONNECT (--max-connecting): " + n + " more closed at once, the last from " + from
                        + "; each waiting one is closed at the " + connectTimeoutSeconds() + " s connect timeout");
            }
        }

        /**
         * Netty's decoder refuses an MQTT 3.1 CONNECT whose client id is longer than 3.1's 23 characters, which every
         * IoT Core client id is, and Moquette then closes without a CONNACK. With the limit lifted the CONNECT
         * reaches the gate, which refuses it, and the device gets CONNACK 1 as IoT Core answered (3.1.1 and MQTT 5
         * client ids have no such limit, so nothing else changes).
         */
        @Override
        public void channelActive(io.netty.channel.ChannelHandlerContext ctx) throws Exception {
            if (ctx.pipeline().get("decoder") instanceof io.netty.handler.codec.mqtt.MqttDecoder) {
                ctx.pipeline().replace("decoder", "decoder", new io.netty.handler.codec.mqtt.MqttDecoder(MAX_MESSAGE,
                        65535));
            }
            super.channelActive(ctx);
        }

        private void expire(io.netty.channel.ChannelHandlerContext ctx) {
            io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
            if (ssl != null && ssl.engine() instanceof TlsTap.TapEngine tap) {
                if (tap.connectRead()) {
                    return;
                }
                tap.timedOut();
            }
            ctx.close();
        }
    }

    /** The connect timeout in whole seconds (Moquette's unit), rounded up, at least one. */
    private long connectTimeoutSeconds() {
        Duration t = settings.connectTimeout();
        return Math.max(1, t.getSeconds() + (t.getNano() > 0 ? 1 : 0));
    }

    /** Drop timers waiting (tests: a reconnecting device must not pile them up). */
    int pendingTimers() {
        return ((ScheduledThreadPoolExecutor) timers).getQueue().size();
    }

    private static int freePort(InetAddress bind) throws InputException {
        try (ServerSocket s = new ServerSocket(0, 1, bind)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new InputException("cannot find a free port on " + bind.getHostAddress() + ": " + e.getMessage());
        }
    }

    private static boolean listening(InetAddress bind, int port) {
        InetAddress target = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The latest config of each device, retained on its config topic: delivered when the device subscribes. */
    private void publishConfigs() {
        for (Registry.Device d : settings.registry().devices().values()) {
            if (d.config() != null) {
                setConfig(d.id(), d.config());
            }
        }
    }

    /** Sets a device's latest config, delivered at once to a subscribed device and on every later subscribe. */
    public void setConfig(String device, byte[] payload) {
        server.internalPublish(MqttMessageBuilders.publish().topicName(ClientIds.configTopic(device)).retained(true)
                .qos(MqttQoS.AT_LEAST_ONCE).payload(Unpooled.wrappedBuffer(payload)).build(), SELF);
    }

    private TlsTap.Ctx tlsContext() throws InputException {
        try {
            BrokerPki.Placeholder placeholder = settings.requireSni()
                    ? BrokerPki.placeholder(settings.clock().instant()) : null;
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new SniKeys(pki, placeholder)}, null, null);
            List<String> suites = Arrays.asList(ctx.getDefaultSSLParameters().getCipherSuites());
            JdkSslContext netty = new JdkSslContext(ctx, false, suites, IdentityCipherSuiteFilter.INSTANCE,
                    ApplicationProtocolConfig.DISABLED, ClientAuth.NONE, null, false);
            Set<String> names = settings.requireSni() ? settings.hostnames().stream()
                    .map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()) : null;
            return new TlsTap.Ctx(netty, names, new TapEvents(), Duration.ofSeconds(connectTimeoutSeconds()));
        } catch (GeneralSecurityException e) {
            throw new InputException(null, "cannot set up the broker's TLS: " + e.getMessage(), null, e);
        }
    }

    /** Stops listening and closes every connection (Netty's quiet period makes this take about 2 s). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        timers.shutdownNow();
        server.stopServer();
    }

    private void report(String kind, String device, String code, String detail) {
        try {
            listener.event(new BrokerListener.Event(settings.clock().instant(), kind, device, code, detail));
        } catch (RuntimeException e) {
            // a listener's failure must not take a Netty thread down; the event is lost, the broker goes on
        }
    }

    /** Whom a log line names: the device, or the client id quoted (bounded, a token in it elided). */
    private static String who(String clientId, String device) {
        String name = device != null ? device : clientId;
        return name == null ? null : ClientIds.quote(name);
    }

    /** As {@link #who(String, String)}, for a client id no authenticator has judged. */
    private static String who(String clientId) {
        return who(clientId, deviceOf(clientId));
    }

    private static String deviceOf(String clientId) {
        ClientIds.Parts parts = clientId == null ? null : ClientIds.parse(clientId);
        return parts == null ? null : parts.device();
    }

    /** The drop timer of one accepted connection. */
    private record Expiry(long generation, ScheduledFuture<?> timer) {
    }

    /**
     * Drops the connection at exp + skew. Keyed by client id and a generation: the timer of a connection that a newer
     * one with the same client id replaced is cancelled, and a late 'connection lost' of the old one (Moquette tells
     * interceptors asynchronously) cannot cancel the new one's.
     */
    private void scheduleExpiry(String clientId, String device, Instant expiresAt) {
        long delay = Math.max(0, Duration.between(settings.clock().instant(), expiresAt).toMillis());
        long generation = generations.incrementAndGet();
        ScheduledFuture<?> f = timers.schedule(() -> {
            Expiry current = expiry.get(clientId);
            if (current == null || current.generation() != generation || !expiry.remove(clientId, current)) {
                return;
            }
            boolean dropped;
            try {
                dropped = server.disconnectClient(clientId);
            } catch (RuntimeException e) {
                dropped = false; // Moquette throws when the client went away meanwhile
            }
            if (dropped) {
                report("dropped", device, "jwt.exp.expired", "the token expired; connection closed at exp + "
                        + settings.skew().toMinutes() + " min skew (" + expiresAt + "), as IoT Core did: reconnect"
                        + " with a fresh token before exp");
            }
        }, delay, TimeUnit.MILLISECONDS);
        Expiry previous = expiry.put(clientId, new Expiry(generation, f));
        if (previous != null) {
            previous.timer().cancel(false);
        }
    }

    /** How long an accepted token lasts: until exp, or already past exp and accepted within the skew. */
    private String validity(Instant closesAt) {
        Instant now = settings.clock().instant();
        Instant exp = closesAt.minus(settings.skew());
        String closes = "the connection is closed at " + dev.iotjwt.time.Times.iso(closesAt);
        if (exp.isAfter(now)) {
            return "the token is valid until " + dev.iotjwt.time.Times.iso(exp) + ", " + closes;
        }
        return "the token expired " + dev.iotjwt.time.Times.human(Duration.between(exp, now)) + " ago ("
                + dev.iotjwt.time.Times.iso(exp) + "), accepted within the " + dev.iotjwt.time.Times.human(
                settings.skew()) + " skew; " + closes;
    }

    private void gone(String clientId, String how) {
        if (clientId != null && connected.remove(clientId)) {
            report("disconnected", deviceOf(clientId), null, how);
        }
    }

    /** Authentication (CONNECT) and authorization (PUBLISH, SUBSCRIBE), never throwing into Moquette. */
    private final class Gate implements IAuthenticator, IAuthorizatorPolicy {
        @Override
        public boolean checkValid(String clientId, String username, byte[] password) {
            TlsTap.TapEngine tap = TlsTap.CURRENT.get();
            try {
                if (tap != null && tap.level() != 4 && tap.level() != -1) {
                    tap.judged(1); // reported by the tap when it read the CONNECT
                    return false;
                }
                if (tap != null) {
                    tap.judged(5);
                    if (tap.willTopic() != null) {
                        // Moquette publishes a Will without asking canWrite: refuse it here, as IoT Core had none
                        report("refused", who(clientId), "mqtt.will",
                                "the CONNECT carries a Last Will (topic '" + shown(tap.willTopic()) + "'); IoT Core"
                                        + " did not support Last Will messages: connect without one (CONNACK 5)");
                        return false;
                    }
                }
                DeviceAuthenticator.Decision d = authenticator.authenticate(clientId, password,
                        settings.clock().instant());
                String who = who(clientId, d.device());
                if (!d.accepted()) {
                    report("refused", who, d.code(), d.reason() + " (CONNACK 5)");
                    return false;
                }
                connected.add(clientId);
                scheduleExpiry(clientId, d.device(), d.expiresAt());
                report("accepted", d.device(), null, "connected" + (tap != null && tap.sni() != null ? " (SNI "
                        + tap.sni() + ")" : " (no SNI)") + "; " + validity(d.expiresAt()));
                return true;
            } catch (RuntimeException e) {
                report("refused", who(clientId, null), "broker.internal", "internal error judging the CONNECT: " + e);
                return false;
            }
        }

        @Override
        public boolean canWrite(Topic topic, String user, String clientId) {
            if (SELF.equals(clientId)) {
                return true;
            }
            String device = deviceOf(clientId);
            String t = topic.toString();
            boolean ok = device != null && (t.equals(ClientIds.stateTopic(device))
                    || t.equals(ClientIds.eventsTopic(device)) || t.startsWith(ClientIds.eventsTopic(device) + "/")
                    && noWildcards(t));
            if (!ok) {
                report("denied", device, "mqtt.topic.denied", "publish to '" + shown(t) + "' refused: a device"
                        + " publishes only to " + ClientIds.eventsTopic(device) + "[/SUBFOLDER] and "
                        + ClientIds.stateTopic(device) + "; IoT Core closes the connection");
                timers.execute(() -> {
                    try {
                        server.disconnectClient(clientId);
                    } catch (RuntimeException e) {
                        // already gone
                    }
                });
            }
            return ok;
        }

        @Override
        public boolean canRead(Topic topic, String user, String clientId) {
            if (SELF.equals(clientId)) {
                return true;
            }
            String device = deviceOf(clientId);
            String t = topic.toString();
            // exactly these filters, so a connection holds at most three subscriptions: distinct filters under
            // commands/ (up to 64 KiB each, without end) would each take broker memory until the device leaves
            boolean ok = device != null && (t.equals(ClientIds.configTopic(device))
                    || t.equals(ClientIds.commandsTopic(device)) || t.equals("/devices/" + device + "/commands"));
            if (!ok) {
                report("denied", device, "mqtt.topic.denied", "subscribe to '" + shown(t) + "' refused (SUBACK 0x80): a"
                        + " device subscribes only to " + ClientIds.configTopic(device) + " and "
                        + ClientIds.commandsTopic(device));
            }
            return ok;
        }

        /**
         * A topic from the network as the log shows it: at most 200 characters, so a denial is one short line, and a
         * token pasted into it without its signature.
         */
        private static String shown(String topic) {
            return dev.iotjwt.Messages.quoteElidingTokens(topic, 200);
        }

        private static boolean noWildcards(String topic) {
            return topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
        }
    }

    /** Messages and disconnections, from Moquette's interceptor. */
    private final class Events extends AbstractInterceptHandler {
        @Override
        public String getID() {
            return "iotjwt-events";
        }

        @Override
        public void onPublish(InterceptPublishMessage msg) {
            try {
                String device = deviceOf(msg.getClientID());
                if (device == null) {
                    return;
                }
                ByteBuf buf = msg.getPayload();
                byte[] bytes = new byte[buf.readableBytes()];
                buf.getBytes(buf.readerIndex(), bytes);
                String text = utf8(bytes);
                listener.message(new BrokerListener.Message(settings.clock().instant(), device, msg.getTopicName(),
                        msg.getQos().value(), text, text == null ? Base64.getEncoder().encodeToString(bytes) : null));
            } catch (RuntimeException e) {
                // never into Moquette's thread
            } finally {
                ReferenceCountUtil.release(msg.getPayload());
            }
        }

        @Override
        public void onDisconnect(InterceptDisconnectMessage msg) {
            gone(msg.getClientID(), "the device disconnected");
        }

        @Override
        public void onConnectionLost(InterceptConnectionLostMessage msg) {
            gone(msg.getClientID(), "the connection was closed");
        }

        @Override
        public void onSessionLoopError(Throwable error) {
            report("error", null, "broker.internal", "Moquette session loop: " + error);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** What only the TLS layer sees. */
    private final class TapEvents implements TlsTap.Listener {
        @Override
        public void refusedUnjudged(TlsTap.TapEngine engine) {
            String id = engine.clientId();
            report("refused", who(id), "mqtt.no-password", "the CONNECT carries no"
                    + " user name and password; IoT Core needs the JWT as the MQTT password (with any user name,"
                    + " e.g. 'unused') (CONNACK 5)");
        }

        @Override
        public void otherProtocol(TlsTap.TapEngine engine) {
            String id = engine.clientId();
            report("refused", who(id), "mqtt.protocol-version", "the CONNECT is"
                    + " protocol level " + engine.level() + (engine.level() == 3 ? " (MQTT 3.1)" : engine.level() == 5
                    ? " (MQTT 5)" : "") + "; IoT Core speaks MQTT 3.1.1 (level 4) only and answered CONNACK 1"
                    + (deadlineInstalled || engine.level() != 3 ? "" : " (this broker could only close the"
                    + " connection)") + ": set the client to 3.1.1");
        }

        @Override
        public void connectTimedOut(TlsTap.TapEngine engine) {
            String id = engine.clientId();
            report("dropped", who(id), "mqtt.connect-timeout", "the connection from "
                    + engine.getPeerHost() + ":" + engine.getPeerPort() + " sent no complete CONNECT within "
                    + connectTimeoutSeconds() + " s (open " + engine.openMillis() + " ms) and is closed: a device"
                    + " sends its CONNECT right after the TLS handshake");
        }

        @Override
        public void qos2Refused(TlsTap.TapEngine engine) {
            report("dropped", who(engine.clientId()), "mqtt.qos2", "a QoS 2 PUBLISH arrived; IoT Core does"
                    + " not support QoS 2 and closes the connection: publish with QoS 0 or 1");
        }
    }

    /**
     * The server certificate for every handshake, except that with {@code --require-sni} a client that sends no SNI
     * gets Google's no-SNI placeholder, as mqtt.googleapis.com's front end did.
     */
    private static final class SniKeys extends X509ExtendedKeyManager {
        private final BrokerPki pki;
        private final BrokerPki.Placeholder placeholder;

        SniKeys(BrokerPki pki, BrokerPki.Placeholder placeholder) {
            this.pki = pki;
            this.placeholder = placeholder;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            if (keyType == null || !keyType.startsWith("EC")) {
                return null;
            }
            if (placeholder != null && TlsTap.sniOf(engine.getHandshakeSession()) == null) {
                return "nosni";
            }
            return "server";
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keyType != null && keyType.startsWith("EC") ? "server" : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return new String[] {"server"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            if ("nosni".equals(alias)) {
                return new X509Certificate[] {placeholder.cert()};
            }
            return pki.serverChain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return "nosni".equals(alias) ? placeholder.key() : pki.serverKey();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
