package dev.iotjwt.devices;

import java.util.Map;

/**
 * A device to create: its id, one credential (format and PEM text, as the registry reads them), a first config
 * (or null), whether it is blocked, its metadata, and, for a gateway, its auth method (null: not a gateway).
 */
public record NewDevice(String id, String credentialFormat, String credentialPem, byte[] config, boolean blocked,
                        Map<String, String> metadata, String gatewayAuthMethod) {
    public NewDevice {
        metadata = Map.copyOf(metadata);
    }
}
