package dev.iotjwt.broker.policy;

import dev.iotjwt.broker.Registry;

/** What the policy reads of the bridge's devices: the registry, each device's current config, gateways. */
public interface BridgeView {
    Registry registry();

    /** The device's current config; version 0 and an empty payload when none was ever set. */
    DeviceConfig config(String device);

    /** A device's config as IoT Core versioned it. */
    record DeviceConfig(long version, byte[] data) {
        public static final DeviceConfig NONE = new DeviceConfig(0, new byte[0]);
    }

    /** How a gateway authorises the devices it attaches: IoT Core's {@code GatewayAuthMethod}. */
    enum GatewayAuth {
        /** The device must be bound to the gateway; no token. */
        ASSOCIATION_ONLY(true, false),
        /** The device's own JWT in the attach message; no binding needed. */
        DEVICE_AUTH_TOKEN_ONLY(false, true),
        /** Both: bound, and its JWT in the attach message. */
        ASSOCIATION_AND_DEVICE_AUTH_TOKEN(true, true),
        /** No method set ({@code GATEWAY_AUTH_METHOD_UNSPECIFIED}): IoT Core let no device attach. */
        UNSPECIFIED(false, false);

        private final boolean association;
        private final boolean token;

        GatewayAuth(boolean association, boolean token) {
            this.association = association;
            this.token = token;
        }

        public boolean needsAssociation() {
            return association;
        }

        public boolean needsToken() {
            return token;
        }
    }

    /** The device's gateway auth method when it is a gateway ({@code gatewayType GATEWAY}), else null. */
    default GatewayAuth gatewayAuth(String device) {
        return null;
    }

    /** Whether {@code device} is bound to {@code gateway} ({@code bindDeviceToGateway}). */
    default boolean bound(String gateway, String device) {
        return false;
    }

    /** Whether the device is registered. */
    default boolean registered(String device) {
        return registry().devices().containsKey(device);
    }

    /** Whether the device is registered and blocked. */
    default boolean blocked(String device) {
        Registry.Device d = registry().devices().get(device);
        return d != null && d.blocked();
    }
}
