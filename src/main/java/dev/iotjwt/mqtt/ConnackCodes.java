package dev.iotjwt.mqtt;

/** The finding code of each MQTT 3.1.1 CONNACK return code (DESIGN.md's contract), for every part of the tool. */
public final class ConnackCodes {
    private ConnackCodes() {
    }

    /** The finding code for a refusing CONNACK; an undefined return code is a malformed CONNACK. */
    public static String code(int returnCode) {
        return switch (returnCode) {
            case 1 -> "mqtt.connack.protocol";
            case 2 -> "mqtt.connack.client-id";
            case 3 -> "mqtt.connack.unavailable";
            case 4 -> "mqtt.connack.bad-credentials";
            case 5 -> "mqtt.connack.not-authorized";
            default -> "mqtt.malformed-connack";
        };
    }
}
