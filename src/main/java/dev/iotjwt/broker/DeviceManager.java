package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.BridgeView;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The bridge's devices as the device manager API changes them at run time: create, patch, delete, configs,
 * commands, gateway bindings. Every change swaps in a new registry snapshot (the CONNECT path reads it without a
 * lock), acts on the device's live connection (a config is sent, a deleted or blocked device is disconnected), and
 * is saved to the state folder before the call returns. Refusals are {@link Refusal}s with the google.rpc code IoT
 * Core gave.
 */
public final class DeviceManager {
    /** The google.rpc codes the device manager answers with. */
    public enum Code {
        INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED, INTERNAL
    }

    /** A request the device manager refuses, with the code and the message IoT Core gave. */
    public static final class Refusal extends Exception {
        private final Code code;

        public Refusal(Code code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public Code code() {
            return code;
        }
    }

    private final Bridge bridge;
    private final Path file;
    private final Object saving = new Object();

    DeviceManager(Bridge bridge, Path file) {
        this.bridge = bridge;
        this.file = file;
    }

    public Registry registry() {
        return bridge.store().registry();
    }

    public Instant now() {
        return bridge.clock().instant();
    }

    /** What the bridge saw of a device (times, config versions, states). */
    public DeviceStore.Activity activity(String id) {
        return bridge.store().activity(id);
    }

    /** Whether the device has a live connection. */
    public boolean connected(String id) {
        return bridge.store().connection(id) != null;
    }

    /** The device named by id or numeric id. */
    public Registry.Device device(String idOrNum) throws Refusal {
        Registry.Device d = registry().find(idOrNum);
        if (d == null) {
            throw new Refusal(Code.NOT_FOUND, "The device with ID `" + idOrNum + "` does not exist in registry `"
                    + registry().registry() + "`.");
        }
        return d;
    }

    /** Creates a device; it may connect at once. */
    public Registry.Device create(Registry.Device device) throws Refusal {
        Instant now = now();
        Registry r = bridge.store().change(current -> {
            if (current.devices().containsKey(device.id())) {
                throw new Refusal(Code.ALREADY_EXISTS, "Device `" + device.id() + "` already exists in registry `"
                        + current.registry() + "`.");
            }
            bridge.store().created(device.id(), device.config(), now);
            return current.put(device.withNumId(0));
        });
        bridge.event("api", device.id(), null, "device created" + (device.gateway() ? " (a gateway)" : ""));
        save();
        return r.devices().get(device.id());
    }

    /**
     * Replaces a device's mutable fields; a device blocked by the change is disconnected. {@code patched} gets the
     * current device and returns the new one (same id and numId).
     */
    public Registry.Device update(String idOrNum, Patch patched) throws Refusal {
        String[] id = new String[1];
        boolean[] blockedNow = new boolean[1];
        Registry r = bridge.store().change(current -> {
            Registry.Device old = current.find(idOrNum);
            if (old == null) {
                throw new Refusal(Code.NOT_FOUND, "The device with ID `" + idOrNum + "` does not exist in registry `"
                        + current.registry() + "`.");
            }
            Registry.Device next = patched.apply(old);
            if (old.gateway() && !next.gateway() && current.bindings().stream().anyMatch(b -> b.gatewayId()
                    .equals(old.id()))) {
                throw new Refusal(Code.FAILED_PRECONDITION, "Gateway `" + old.id() + "` has bound devices; unbind"
                        + " them before it stops being a gateway.");
            }
            id[0] = old.id();
            blockedNow[0] = next.blocked() && !old.blocked();
            return current.put(new Registry.Device(old.id(), old.numId(), next.blocked(), next.credentials(),
                    old.config(), next.metadata(), next.gatewayConfig(), next.logLevel()));
        });
        if (blockedNow[0]) {
            disconnect(id[0], true);
        }
        bridge.event("api", id[0], null, "device updated" + (blockedNow[0] ? " (blocked)" : ""));
        save();
        return r.devices().get(id[0]);
    }

    /** A change of a device's mutable fields. */
    @FunctionalInterface
    public interface Patch {
        Registry.Device apply(Registry.Device current) throws Refusal;
    }

    /** Deletes a device; a connected one is disconnected. A gateway with bound devices is refused. */
    public void delete(String idOrNum) throws Refusal {
        String[] id = new String[1];
        bridge.store().change(current -> {
            Registry.Device d = current.find(idOrNum);
            if (d == null) {
                throw new Refusal(Code.NOT_FOUND, "The device with ID `" + idOrNum + "` does not exist in registry `"
                        + current.registry() + "`.");
            }
            if (current.bindings().stream().anyMatch(b -> b.gatewayId().equals(d.id()))) {
                throw new Refusal(Code.FAILED_PRECONDITION, "Gateway `" + d.id() + "` has bound devices; unbind"
                        + " them before deleting it.");
            }
            id[0] = d.id();
            return current.remove(d.id());
        });
        bridge.store().deleted(id[0]);
        disconnect(id[0], false);
        bridge.event("api", id[0], null, "device deleted");
        save();
    }

    private void disconnect(String id, boolean blocked) {
        // the device's own connection: a gateway that attached it stays connected
        DeviceChannel ch = bridge.store().ownConnection(id);
        if (ch != null) {
            ch.channel().eventLoop().execute(() -> ch.removed(blocked));
        }
    }

    /**
     * Sets the device's next config version and sends it at once to a connected, subscribed device; refused with
     * ABORTED when {@code versionToUpdate} is not 0 and not the current version.
     */
    public DeviceStore.ConfigVersion modifyConfig(String idOrNum, long versionToUpdate, byte[] data)
            throws Refusal {
        Registry.Device d = device(idOrNum);
        DeviceStore.ConfigVersion c = bridge.store().setConfig(d.id(), data, versionToUpdate, now());
        if (c == null) {
            throw new Refusal(Code.ABORTED, "The config version to update (" + versionToUpdate + ") does not match"
                    + " the current version of device `" + d.id() + "` (" + bridge.store().configVersion(d.id())
                    + ").");
        }
        DeviceChannel ch = bridge.store().connection(d.id());
        if (ch != null) {
            BridgeView.DeviceConfig sent = new BridgeView.DeviceConfig(c.version(), c.data());
            ch.channel().eventLoop().execute(() -> ch.config(d.id(), sent));
        }
        bridge.event("api", d.id(), null, "config version " + c.version() + " set (" + data.length + " bytes)"
                + (ch != null ? "; sent to the connected device if it is subscribed" : ""));
        save();
        return c;
    }

    /**
     * Sends a command; completes exceptionally with FAILED_PRECONDITION when the device is not connected or not
     * subscribed to its commands, as IoT Core answered.
     */
    public CompletableFuture<Void> sendCommand(String idOrNum, String subfolder, byte[] data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Registry.Device d;
        try {
            d = device(idOrNum);
        } catch (Refusal e) {
            done.completeExceptionally(e);
            return done;
        }
        DeviceChannel ch = bridge.store().connection(d.id());
        if (ch == null) {
            done.completeExceptionally(new Refusal(Code.FAILED_PRECONDITION, "Device `" + d.numId()
                    + "` is not connected."));
            return done;
        }
        ch.channel().eventLoop().execute(() -> {
            if (ch.command(d.id(), subfolder, data)) {
                done.complete(null);
            } else {
                done.completeExceptionally(new Refusal(Code.FAILED_PRECONDITION, "Device `" + d.numId()
                        + "` is not subscribed to the commands topic."));
            }
        });
        return done;
    }

    /** Binds a device to a gateway (IoT Core's association). */
    public void bind(String gatewayIdOrNum, String deviceIdOrNum) throws Refusal {
        binding(gatewayIdOrNum, deviceIdOrNum, true);
    }

    /** Removes a device's binding to a gateway. */
    public void unbind(String gatewayIdOrNum, String deviceIdOrNum) throws Refusal {
        binding(gatewayIdOrNum, deviceIdOrNum, false);
    }

    private void binding(String gatewayIdOrNum, String deviceIdOrNum, boolean bind) throws Refusal {
        String[] names = new String[2];
        bridge.store().change(current -> {
            Registry.Device g = current.find(gatewayIdOrNum);
            Registry.Device d = current.find(deviceIdOrNum);
            if (g == null || d == null) {
                throw new Refusal(Code.NOT_FOUND, "The device with ID `" + (g == null ? gatewayIdOrNum
                        : deviceIdOrNum) + "` does not exist in registry `" + current.registry() + "`.");
            }
            if (!g.gateway()) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Device `" + g.id() + "` is not a gateway.");
            }
            if (d.gateway()) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Device `" + d.id() + "` is a gateway; a gateway cannot"
                        + " be bound to a gateway.");
            }
            Set<Registry.Binding> b = new LinkedHashSet<>(current.bindings());
            Registry.Binding x = new Registry.Binding(g.id(), d.id());
            if (bind) {
                b.add(x);
            } else if (!b.remove(x)) {
                throw new Refusal(Code.NOT_FOUND, "Device `" + d.id() + "` is not bound to gateway `" + g.id()
                        + "`.");
            }
            names[0] = g.id();
            names[1] = d.id();
            return current.withBindings(b);
        });
        bridge.event("api", names[1], null, (bind ? "bound to gateway " : "unbound from gateway ") + names[0]);
        save();
    }

    /** Writes the current registry and config versions to the state folder (when the bridge keeps one). */
    private void save() throws Refusal {
        if (file == null) {
            return;
        }
        synchronized (saving) {
            Registry r = registry();
            Map<String, List<DeviceStore.ConfigVersion>> configs = new LinkedHashMap<>();
            for (String id : r.devices().keySet()) {
                DeviceStore.Activity a = bridge.store().activity(id);
                configs.put(id, a == null ? List.of() : a.configs());
            }
            try {
                RegistryFile.write(file, r, configs);
            } catch (IOException e) {
                bridge.event("api", null, null, "cannot save the registry to " + file + ": "
                        + dev.iotjwt.Messages.cause(e));
                throw new Refusal(Code.INTERNAL, "The change is made but cannot be saved to the state"
                        + " folder: " + dev.iotjwt.Messages.cause(e));
            }
        }
    }
}
