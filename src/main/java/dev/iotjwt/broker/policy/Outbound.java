package dev.iotjwt.broker.policy;

import java.util.List;

/** One MQTT packet the bridge sends a device. */
public sealed interface Outbound {
    /** CONNACK with MQTT 3.1.1's return code (0 accepted, 1 protocol, 2 client id, 3 unavailable, 4, 5). */
    record ConnAck(int code) implements Outbound {
    }

    /** SUBACK: one granted QoS (0, 1) or 0x80 (failure) per filter, in order. */
    record SubAck(int packetId, List<Integer> granted) implements Outbound {
        public SubAck {
            granted = List.copyOf(granted);
        }
    }

    record UnsubAck(int packetId) implements Outbound {
    }

    record PubAck(int packetId) implements Outbound {
    }

    record PingResp() implements Outbound {
    }

    /** A PUBLISH to the device (config, commands): retain flag never set; packetId 0 for QoS 0. */
    record Publish(String topic, int qos, int packetId, byte[] payload) implements Outbound {
    }
}
