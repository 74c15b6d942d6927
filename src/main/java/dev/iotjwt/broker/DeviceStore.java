package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.BridgeView;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the bridge keeps about its devices while it runs: the registry, each device's config versions (as IoT Core
 * versioned them), the latest states a device published, the times IoT Core showed (heartbeat, event, state, config
 * sent and acknowledged, last error), and which connection each connected device has. Thread-safe: Netty's event
 * loops, the device manager API and the bridge's caller share it.
 *
 * <p>The registry is an immutable snapshot behind one volatile field: the CONNECT path reads it without a lock; a
 * change (rare: the API's) builds a new snapshot under {@link #change}'s lock, which no I/O is done under.
 */
public final class DeviceStore implements BridgeView {
    /** IoT Core listed the latest ten states of a device. */
    static final int STATES_KEPT = 10;
    /** IoT Core kept the latest ten config versions of a device. */
    public static final int CONFIGS_KEPT = 10;

    /** One state message as IoT Core kept it. */
    public record State(Instant updateTime, byte[] data) {
    }

    /**
     * One config version as IoT Core kept it.
     *
     * @param deviceAckTime when the device acknowledged this version (its PUBACK), or null
     */
    public record ConfigVersion(long version, Instant cloudUpdateTime, Instant deviceAckTime, byte[] data) {
        ConfigVersion acked(Instant t) {
            return new ConfigVersion(version, cloudUpdateTime, t, data);
        }
    }

    /** IoT Core's google.rpc.Status of a device's last error. */
    public record ErrorStatus(int code, String message) {
    }

    /**
     * What the bridge saw of one device, as the API shows it; times are null when it never happened.
     *
     * @param configs the kept config versions, newest first (never empty for a registered device)
     */
    public record Activity(Instant lastHeartbeatTime, Instant lastEventTime, Instant lastStateTime,
                           Instant lastConfigAckTime, Instant lastConfigSendTime, Instant lastErrorTime,
                           ErrorStatus lastErrorStatus, String lastAccessedGatewayId,
                           Instant lastAccessedGatewayTime, List<ConfigVersion> configs, List<State> states) {
    }

    /** A device's mutable record; every method holds its monitor for a few field writes, never for I/O. */
    private static final class Track {
        private final Deque<ConfigVersion> configs = new ArrayDeque<>();
        private final Deque<State> states = new ArrayDeque<>();
        private Instant heartbeat;
        private Instant event;
        private Instant state;
        private Instant configAck;
        private Instant configSend;
        private Instant errorTime;
        private ErrorStatus error;
        private String gateway;
        private Instant gatewayTime;

        synchronized DeviceConfig current() {
            ConfigVersion c = configs.peekFirst();
            return c == null ? DeviceConfig.NONE : new DeviceConfig(c.version(), c.data());
        }

        synchronized ConfigVersion push(long version, Instant now, byte[] data) {
            ConfigVersion c = new ConfigVersion(version, now, null, data.clone());
            configs.addFirst(c);
            while (configs.size() > CONFIGS_KEPT) {
                configs.removeLast();
            }
            return c;
        }

        synchronized long version() {
            ConfigVersion c = configs.peekFirst();
            return c == null ? 0 : c.version();
        }

        synchronized void acked(long version, Instant t) {
            configAck = t;
            java.util.List<ConfigVersion> all = new java.util.ArrayList<>(configs);
            configs.clear();
            for (ConfigVersion c : all) {
                configs.addLast(c.version() == version && c.deviceAckTime() == null ? c.acked(t) : c);
            }
        }

        synchronized void state(State s) {
            state = s.updateTime();
            states.addFirst(s);
            while (states.size() > STATES_KEPT) {
                states.removeLast();
            }
        }

        synchronized List<State> states() {
            return List.copyOf(states);
        }

        synchronized Activity activity() {
            return new Activity(heartbeat, event, state, configAck, configSend, errorTime, error, gateway,
                    gatewayTime, List.copyOf(configs), List.copyOf(states));
        }
    }

    private volatile Registry registry;
    private final Object change = new Object();
    private final Map<String, Track> tracks = new ConcurrentHashMap<>();
    private final Map<String, DeviceChannel> connections = new ConcurrentHashMap<>();
    /** Devices attached to a gateway: the gateway's connection, which carries their config and commands. */
    private final Map<String, DeviceChannel> gateways = new ConcurrentHashMap<>();

    /** A store whose devices start with config version 1 (their registry config, or empty), set at {@code now}. */
    DeviceStore(Registry registry, Instant now) {
        this.registry = registry;
        for (Registry.Device d : registry.devices().values()) {
            track(d.id()).push(1, now, d.config() == null ? new byte[0] : d.config());
        }
    }

    @Override
    public Registry registry() {
        return registry;
    }

    private Track track(String device) {
        return tracks.computeIfAbsent(device, d -> new Track());
    }

    @Override
    public DeviceConfig config(String device) {
        Track t = tracks.get(device);
        return t == null ? DeviceConfig.NONE : t.current();
    }

    /**
     * Changes the registry: {@code f} maps the current snapshot to the next (or throws to change nothing). Changes
     * are serialised; readers never wait.
     */
    public <E extends Exception> Registry change(Changer<E> f) throws E {
        synchronized (change) {
            Registry next = f.apply(registry);
            registry = next;
            return next;
        }
    }

    /** A change of the registry that may refuse. */
    @FunctionalInterface
    public interface Changer<E extends Exception> {
        Registry apply(Registry current) throws E;
    }

    /** A new device's record: its first config version (1), at {@code now}. */
    void created(String device, byte[] config, Instant now) {
        Track t = new Track();
        t.push(1, now, config == null ? new byte[0] : config);
        tracks.put(device, t);
    }

    /** Forgets a deleted device's record. */
    void deleted(String device) {
        tracks.remove(device);
    }

    /** Restores a config history (loaded from the state folder), newest first. */
    void restore(String device, List<ConfigVersion> versions) {
        if (versions.isEmpty()) {
            return;
        }
        Track t = new Track();
        for (int i = versions.size() - 1; i >= 0; i--) {
            ConfigVersion v = versions.get(i);
            t.push(v.version(), v.cloudUpdateTime(), v.data());
            if (v.deviceAckTime() != null) {
                t.acked(v.version(), v.deviceAckTime());
            }
        }
        tracks.put(device, t);
    }

    /**
     * Sets a device's config when its current version is {@code expected} (0: whatever it is); null when it is
     * not.
     */
    ConfigVersion setConfig(String device, byte[] data, long expected, Instant now) {
        Track t = track(device);
        synchronized (t) {
            long v = t.version();
            if (expected != 0 && expected != v) {
                return null;
            }
            return t.push(v + 1, now, data);
        }
    }

    /** The device's current config version number (0 when it has none). */
    long configVersion(String device) {
        Track t = tracks.get(device);
        return t == null ? 0 : t.version();
    }

    void state(String device, Instant time, byte[] data) {
        track(device).state(new State(time, data.clone()));
    }

    /** The device's latest states, newest first. */
    List<State> states(String device) {
        Track t = tracks.get(device);
        return t == null ? List.of() : t.states();
    }

    /** What the bridge saw of the device, or null when it has no record. */
    public Activity activity(String device) {
        Track t = tracks.get(device);
        return t == null ? null : t.activity();
    }

    void configAcked(String device, long version, Instant time) {
        Track t = tracks.get(device);
        if (t != null) {
            t.acked(version, time);
        }
    }

    void configSent(String device, Instant time) {
        update(device, t -> t.configSend = time);
    }

    void heartbeat(String device, Instant time) {
        update(device, t -> t.heartbeat = time);
    }

    void event(String device, Instant time) {
        update(device, t -> t.event = time);
    }

    /** The device's last error, as IoT Core's lastErrorStatus showed it. */
    void error(String device, Instant time, ErrorStatus status) {
        update(device, t -> {
            t.errorTime = time;
            t.error = status;
        });
    }

    /** The device last reached the bridge through {@code gateway}. */
    public void accessedThrough(String device, String gateway, Instant time) {
        update(device, t -> {
            t.gateway = gateway;
            t.gatewayTime = time;
        });
    }

    private void update(String device, java.util.function.Consumer<Track> f) {
        Track t = tracks.get(device);
        if (t != null) {
            synchronized (t) {
                f.accept(t);
            }
        }
    }

    /** Makes {@code c} the device's connection; the older one, if any, is returned so it can be closed. */
    DeviceChannel connect(String device, DeviceChannel c) {
        DeviceChannel old = connections.put(device, c);
        return old == c ? null : old;
    }

    void disconnect(String device, DeviceChannel c) {
        connections.remove(device, c);
    }

    /** The connection that carries the device's config and commands: its own, or a gateway's that attached it. */
    DeviceChannel connection(String device) {
        DeviceChannel c = connections.get(device);
        return c != null ? c : gateways.get(device);
    }

    /** The device's own connection (not a gateway's that attached it), or null. */
    DeviceChannel ownConnection(String device) {
        return connections.get(device);
    }

    @Override
    public GatewayAuth gatewayAuth(String device) {
        Registry.Device d = registry.devices().get(device);
        if (d == null || !d.gateway() || d.gatewayConfig().gatewayAuthMethod() == null) {
            return null;
        }
        return GatewayAuth.valueOf(d.gatewayConfig().gatewayAuthMethod());
    }

    @Override
    public boolean bound(String gateway, String device) {
        return registry.bindings().contains(new Registry.Binding(gateway, device));
    }

    void attach(String device, DeviceChannel gateway) {
        gateways.put(device, gateway);
    }

    void detach(String device, DeviceChannel gateway) {
        gateways.remove(device, gateway);
    }
}
