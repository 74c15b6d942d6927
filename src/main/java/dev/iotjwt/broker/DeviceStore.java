package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.BridgeView;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the bridge keeps about its devices while it runs: the registry, each device's current config (versioned as
 * IoT Core versioned it), the latest states a device published, when it last acknowledged its config, and which
 * connection each connected device has. Thread-safe: Netty's event loops and the caller of the bridge share it.
 */
public final class DeviceStore implements BridgeView {
    /** IoT Core listed the latest ten states of a device. */
    static final int STATES_KEPT = 10;

    /** One state message as IoT Core kept it. */
    public record State(Instant updateTime, byte[] data) {
    }

    private final Registry registry;
    private final Map<String, DeviceConfig> configs = new ConcurrentHashMap<>();
    private final Map<String, Deque<State>> states = new ConcurrentHashMap<>();
    private final Map<String, Instant> configAcks = new ConcurrentHashMap<>();
    private final Map<String, DeviceChannel> connections = new ConcurrentHashMap<>();
    /** Devices attached to a gateway: the gateway's connection, which carries their config and commands. */
    private final Map<String, DeviceChannel> gateways = new ConcurrentHashMap<>();

    DeviceStore(Registry registry) {
        this.registry = registry;
        for (Registry.Device d : registry.devices().values()) {
            if (d.config() != null) {
                configs.put(d.id(), new DeviceConfig(1, d.config()));
            }
        }
    }

    @Override
    public Registry registry() {
        return registry;
    }

    @Override
    public DeviceConfig config(String device) {
        return configs.getOrDefault(device, DeviceConfig.NONE);
    }

    /** Sets a device's config (the next version) and returns it. */
    DeviceConfig setConfig(String device, byte[] data) {
        return configs.compute(device, (d, old) -> new DeviceConfig(old == null ? 1 : old.version() + 1, data.clone()));
    }

    void state(String device, Instant time, byte[] data) {
        Deque<State> q = states.computeIfAbsent(device, d -> new ArrayDeque<>());
        synchronized (q) {
            q.addFirst(new State(time, data.clone()));
            while (q.size() > STATES_KEPT) {
                q.removeLast();
            }
        }
    }

    /** The device's latest states, newest first. */
    List<State> states(String device) {
        Deque<State> q = states.get(device);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return List.copyOf(q);
        }
    }

    void configAcked(String device, Instant time) {
        configAcks.put(device, time);
    }

    Instant configAckTime(String device) {
        return configAcks.get(device);
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

    void attach(String device, DeviceChannel gateway) {
        gateways.put(device, gateway);
    }

    void detach(String device, DeviceChannel gateway) {
        gateways.remove(device, gateway);
    }
}
