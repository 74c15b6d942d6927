package dev.iotjwt.broker;

import dev.iotjwt.InputException;
import dev.iotjwt.broker.policy.BridgeView;
import dev.iotjwt.broker.policy.DevicePolicy;
import dev.iotjwt.broker.tls.BridgeTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The local IoT Core bridge on Netty: TLS only, every connection's packets judged by one {@link DevicePolicy}, every
 * connection attempt reported from the device's side. The pipeline of a connection: the TLS stage (which reads the
 * ClientHello, chooses the certificate and then is the {@code SslHandler}), Netty's MQTT decoder and encoder, and one
 * {@link DeviceChannel} applying the policy's decisions.
 */
public final class LocalBroker implements AutoCloseable {
    /** Largest MQTT packet read: IoT Core's 256 KiB telemetry payload plus a long topic and headers. */
    static final int MAX_MESSAGE = 256 * 1024 + 8 * 1024;
    /** Client ids are long paths; the decoder's 3.1 limit of 23 characters would refuse them before the policy. */
    static final int MAX_CLIENT_ID = 64 * 1024;

    static {
        // Netty reaches for sun.misc.Unsafe, which Java 24+ warns about on stderr; it runs without it
        if (Runtime.version().feature() >= 24 && System.getProperty("io.netty.noUnsafe") == null) {
            System.setProperty("io.netty.noUnsafe", "true");
        }
        // Netty's leak detector records a stack trace for one buffer in 128 (found in a profile of 10,000 connects);
        // its reports would go nowhere here (no logger is bound)
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }

    private final BrokerSettings settings;
    private final BrokerPki pki;
    private final boolean pkiCreated;
    private final Bridge bridge;
    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup connections;
    private final int port;
    private final DeviceManager devices;
    private final dev.iotjwt.broker.api.DeviceManagerApi api;
    private final dev.iotjwt.broker.api.ApiDiscovery.Entry apiEntry;
    private volatile boolean closed;

    private LocalBroker(BrokerSettings settings, BrokerPki pki, boolean pkiCreated, Bridge bridge,
                        EventLoopGroup group, Channel server, ChannelGroup connections, DeviceManager devices,
                        dev.iotjwt.broker.api.DeviceManagerApi api, dev.iotjwt.broker.api.ApiDiscovery.Entry apiEntry) {
        this.devices = devices;
        this.api = api;
        this.apiEntry = apiEntry;
        this.connections = connections;
        this.settings = settings;
        this.pki = pki;
        this.pkiCreated = pkiCreated;
        this.bridge = bridge;
        this.group = group;
        this.server = server;
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Starts the bridge; it listens when this returns. */
    public static LocalBroker start(BrokerSettings settings, BrokerListener given) throws InputException {
        BrokerListener listener = given != null ? given : new BrokerListener() {
            @Override
            public void event(Event event) {
            }

            @Override
            public void message(Message message) {
            }

            @Override
            public boolean wantsReports() {
                return false;
            }
        };
        InetAddress bind = bindAddress(settings.bind());
        boolean created = !Files.exists(settings.stateDir().resolve(BrokerPki.CA_CERT));
        boolean rsa = settings.tlsProfile().certificateKey().startsWith("RSA");
        BrokerPki pki = BrokerPki.ensure(settings.stateDir(), settings.hostnames(), settings.clock(), rsa);
        // the state folder is checked (owner, mode) by now; the API's saved registry is read before any socket opens
        java.nio.file.Path saved = settings.api() ? RegistryFile.of(settings.stateDir(), settings.registry()) : null;
        DeviceStore store = store(settings, saved);
        BridgeTls tls;
        try {
            BrokerPki.Placeholder placeholder = settings.requireSni() ? BrokerPki.placeholder(settings.clock()
                    .instant(), rsa) : null;
            tls = BridgeTls.create(pki.serverChain(), pki.serverKey(), placeholder == null ? null
                    : placeholder.cert(), placeholder == null ? null : placeholder.key(), settings.hostnames(),
                    settings.requireSni(), settings.tlsProfile(), settings.nativeTls(), pki.caFile());
        } catch (java.io.IOException | RuntimeException e) {
            throw new InputException(null, "cannot set up the broker's TLS: " + e.getMessage(), null, e);
        }
        // without reports, a plainly good token is judged without the checker's full report of it; the registry is
        // read anew for each CONNECT, as the device manager API may change it
        DevicePolicy policy = new DevicePolicy(new DeviceAuthenticator(store::registry, settings.strict(),
                settings.skew(), !listener.wantsReports()), store, settings.skew());
        Bridge bridge = new Bridge(settings, policy, store, tls, listener);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), r -> {
            Thread t = new Thread(r, "iotjwt-bridge");
            t.setDaemon(true);
            return t;
        }, io);
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        // the connection's own deadline (from TCP accept to CONNECT) closes a stalled handshake first and names it
        Duration handshake = settings.connectTimeout().plusSeconds(1);
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        DeviceChannel device = new DeviceChannel(bridge);
                        ch.pipeline().addLast("first-bytes", new FirstBytes(device))
                                .addLast("tls", tls.newStage(handshake))
                                .addLast("mqtt-decoder", new MqttDecoder(MAX_MESSAGE, MAX_CLIENT_ID))
                                .addLast("mqtt-encoder", MqttEncoder.INSTANCE)
                                .addLast("device", device);
                    }
                });
        io.netty.channel.ChannelFuture bound = b.bind(new InetSocketAddress(bind, settings.port()))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new InputException(null, "cannot listen on " + bind.getHostAddress() + ":" + settings.port() + ": "
                    + dev.iotjwt.Messages.cause(bound.cause()), "another broker may be running there; stop it or"
                    + " choose --port", null);
        }
        DeviceManager devices = new DeviceManager(bridge, saved);
        dev.iotjwt.broker.api.DeviceManagerApi api = null;
        dev.iotjwt.broker.api.ApiDiscovery.Entry apiEntry = null;
        if (settings.api()) {
            try {
                api = dev.iotjwt.broker.api.DeviceManagerApi.start(devices, bind, settings.apiPort(),
                        settings.apiToken());
            } catch (InputException e) {
                bound.channel().close().awaitUninterruptibly();
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                bridge.tls().close();
                throw e;
            }
            String registryPath = "/v1/" + settings.registry().clientIdOf("").replaceAll("/devices/$", "");
            bridge.event("api", null, null, "device manager API on http://" + (bind.getHostAddress().contains(":")
                    ? "[" + bind.getHostAddress() + "]" : bind.getHostAddress()) + ":" + api.port() + registryPath
                    + (settings.apiToken() != null ? " (bearer token required)" : ""));
            // the command line finds the API here (iotjwt device …): a wildcard bind is reached on loopback
            String host = !bind.isAnyLocalAddress() ? bind.getHostAddress() : bind instanceof java.net.Inet6Address
                    ? "::1" : "127.0.0.1";
            apiEntry = new dev.iotjwt.broker.api.ApiDiscovery.Entry("http://" + (host.contains(":") ? "[" + host
                    + "]" : host) + ":" + api.port() + registryPath, settings.apiToken() != null);
            try {
                dev.iotjwt.broker.api.ApiDiscovery.write(settings.stateDir(), apiEntry);
            } catch (java.io.IOException e) {
                bridge.event("api", null, null, "warning: cannot write " + settings.stateDir().resolve(
                        dev.iotjwt.broker.api.ApiDiscovery.FILE) + " (" + dev.iotjwt.Messages.cause(e) + "): iotjwt"
                        + " device needs --api URL to find this API");
            }
            if (settings.apiToken() == null && !bind.isLoopbackAddress()) {
                bridge.event("api", null, null, "warning: the device manager API listens on "
                        + bind.getHostAddress() + " without a token: anyone who reaches it can create devices and"
                        + " read their states; give --api-token-file");
            }
        }
        return new LocalBroker(settings, pki, created, bridge, group, bound.channel(), connections, devices, api,
                apiEntry);
    }

    /**
     * The devices the bridge starts with: with the API, the registry the API saved in the state folder, with the
     * devices of --registry and --device put over it (what the command line names wins; config versions go on
     * from the saved ones).
     */
    private static DeviceStore store(BrokerSettings settings, java.nio.file.Path saved) throws InputException {
        Instant now = settings.clock().instant();
        RegistryFile.Saved s = saved == null ? null : RegistryFile.read(saved);
        if (s == null) {
            return new DeviceStore(settings.registry(), now);
        }
        Registry merged = s.registry();
        for (Registry.Device d : settings.registry().devices().values()) {
            merged = merged.put(d);
        }
        java.util.Set<Registry.Binding> bindings = new java.util.LinkedHashSet<>(merged.bindings());
        bindings.addAll(settings.registry().bindings());
        final Registry all = merged;
        bindings.removeIf(b -> all.devices().get(b.gatewayId()) == null || !all.devices().get(b.gatewayId())
                .gateway() || all.devices().get(b.deviceId()) == null);
        merged = merged.withBindings(bindings);
        DeviceStore store = new DeviceStore(merged, now);
        for (java.util.Map.Entry<String, List<DeviceStore.ConfigVersion>> e : s.configs().entrySet()) {
            if (merged.devices().containsKey(e.getKey())) {
                store.restore(e.getKey(), e.getValue());
                Registry.Device given = settings.registry().devices().get(e.getKey());
                if (given != null && given.config() != null && !java.util.Arrays.equals(given.config(),
                        store.config(e.getKey()).data())) {
                    store.setConfig(e.getKey(), given.config(), 0, now);
                }
            }
        }
        return store;
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

    /** The devices as they are now (the device manager API may have changed them since the start). */
    public Registry registry() {
        return bridge.store().registry();
    }

    /** The bridge's devices as the device manager API changes them. */
    public DeviceManager devices() {
        return devices;
    }

    /** The port of the device manager API, or -1 when it is not served. */
    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** How many event-loop threads serve devices. */
    public int threads() {
        return ((io.netty.util.concurrent.MultithreadEventExecutorGroup) group).executorCount();
    }

    /** Which TLS implementation serves devices: "BoringSSL" or "JDK". */
    public String tlsProvider() {
        return bridge.tls().server().provider();
    }

    /**
     * Sets a device's config (its next version) and sends it at once to the device when it is connected and
     * subscribed to its config.
     */
    public BridgeView.DeviceConfig updateConfig(String device, byte[] data) {
        DeviceStore.ConfigVersion v = bridge.store().setConfig(device, data, 0, bridge.clock().instant());
        BridgeView.DeviceConfig c = new BridgeView.DeviceConfig(v.version(), v.data());
        DeviceChannel ch = bridge.store().connection(device);
        if (ch != null) {
            ch.channel().eventLoop().execute(() -> ch.config(device, c));
        }
        return c;
    }

    /**
     * Sends a command to a connected device subscribed to its commands; completes with false when the device is not
     * connected or not subscribed (IoT Core's FAILED_PRECONDITION).
     */
    public CompletableFuture<Boolean> sendCommand(String device, String subfolder, byte[] payload) {
        DeviceChannel ch = bridge.store().connection(device);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        if (ch == null) {
            done.complete(false);
            return done;
        }
        ch.channel().eventLoop().execute(() -> done.complete(ch.command(device, subfolder, payload)));
        return done;
    }

    /** The latest states the device published (at most ten, newest first) as (time, bytes). */
    public List<DeviceStore.State> states(String device) {
        return bridge.store().states(device);
    }

    /** Tells the waiting room when a connection's first bytes arrive, then leaves the pipeline. */
    private static final class FirstBytes extends io.netty.channel.ChannelInboundHandlerAdapter {
        private final DeviceChannel device;

        FirstBytes(DeviceChannel device) {
            this.device = device;
        }

        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            device.firstBytes();
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    private static InetAddress bindAddress(String bind) throws InputException {
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new InputException("--bind " + bind + ": not an address of this machine");
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (api != null) {
            api.close();
            if (apiEntry != null) {
                dev.iotjwt.broker.api.ApiDiscovery.remove(settings.stateDir(), apiEntry);
            }
        }
        server.close().awaitUninterruptibly();
        // every device sees its connection end now (a FIN), as when a real bridge restarts
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        bridge.tls().close();
    }
}
