package dev.iotjwt.broker.policy;

import dev.iotjwt.broker.Registry;

/** What the policy reads of the bridge's devices: the registry and each device's current config. */
public interface BridgeView {
    Registry registry();

    /** The device's current config; version 0 and an empty payload when none was ever set. */
    DeviceConfig config(String device);

    /** A device's config as IoT Core versioned it. */
    record DeviceConfig(long version, byte[] data) {
        public static final DeviceConfig NONE = new DeviceConfig(0, new byte[0]);
    }
}
