package dev.iotjwt.broker.policy;

import java.util.List;

/**
 * One MQTT packet from a device, as decoded: what the policy judges. No Netty type and no socket: the bridge turns
 * each decoded packet into one of these, and a test or a fuzzer builds them directly.
 */
public sealed interface Packet {
    /** The packet's name as MQTT 3.1.1 names it (CONNECT, PUBLISH, …), for messages. */
    String name();

    /**
     * @param protocolName  "MQTT" (3.1.1, 5) or "MQIsdp" (3.1)
     * @param level         4 for 3.1.1, 3 for 3.1, 5 for MQTT 5
     * @param password      the password bytes, or null when the CONNECT has no password flag
     * @param keepAlive     seconds; 0 turns the client's keep-alive off
     * @param will          the Last Will, or null
     */
    record Connect(String protocolName, int level, String clientId, String userName, byte[] password,
                   boolean cleanSession, int keepAlive, Will will) implements Packet {
        @Override
        public String name() {
            return "CONNECT";
        }
    }

    /** A CONNECT's Last Will. */
    record Will(String topic, int qos, boolean retain, int payloadBytes) {
    }

    /** @param packetId 0 for QoS 0 */
    record Publish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload)
            implements Packet {
        @Override
        public String name() {
            return "PUBLISH";
        }
    }

    /** One topic filter of a SUBSCRIBE and the QoS asked for (0, 1, 2; anything else is malformed). */
    record Filter(String topic, int qos) {
    }

    record Subscribe(int packetId, List<Filter> filters) implements Packet {
        public Subscribe {
            filters = List.copyOf(filters);
        }

        @Override
        public String name() {
            return "SUBSCRIBE";
        }
    }

    record Unsubscribe(int packetId, List<String> topics) implements Packet {
        public Unsubscribe {
            topics = List.copyOf(topics);
        }

        @Override
        public String name() {
            return "UNSUBSCRIBE";
        }
    }

    record PubAck(int packetId) implements Packet {
        @Override
        public String name() {
            return "PUBACK";
        }
    }

    record PingReq() implements Packet {
        @Override
        public String name() {
            return "PINGREQ";
        }
    }

    record Disconnect() implements Packet {
        @Override
        public String name() {
            return "DISCONNECT";
        }
    }

    /** A packet a device never sends to a server in IoT Core's protocol (PUBREC, PUBREL, CONNACK, SUBACK, …). */
    record Other(String name) implements Packet {
    }

    /**
     * Bytes that do not decode as MQTT 3.1.1.
     *
     * @param reason     what the decoder said, one line
     * @param tooLarge   the packet's remaining length is over the bridge's limit
     * @param badVersion a CONNECT whose protocol name and level are no MQTT the decoder knows
     */
    record Malformed(String reason, boolean tooLarge, boolean badVersion) implements Packet {
        @Override
        public String name() {
            return "malformed packet";
        }
    }
}
