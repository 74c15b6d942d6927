package dev.iotjwt.broker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The plaintext MQTT bytes a client sends, read one at a time as the TLS tap sees them: frames packets by their
 * remaining length, keeps the first packet (the CONNECT) up to {@link #CONNECT_CAPTURE} bytes and reads its protocol
 * level, client id and Last Will topic, and spots a PUBLISH with QoS 2 and one with the retain flag.
 */
final class MqttInbound {
    /** Bytes of the CONNECT kept to read its client id; longer client ids are not IoT Core's anyway. */
    static final int CONNECT_CAPTURE = 4096;

    /** What {@link #feed} saw complete with that byte. */
    enum Event { NONE, CONNECT, QOS2_PUBLISH, RETAINED_PUBLISH }

    /**
     * What a CONNECT said.
     *
     * @param level     the protocol level: 4 is MQTT 3.1.1, 3 is 3.1, 5 is MQTT 5
     * @param clientId  the client id, or null when the kept bytes do not hold all of it
     * @param willTopic the topic of the Last Will, "(unreadable)" when the kept bytes do not hold it, or null when
     *                  the CONNECT carries no Will
     */
    record Connect(int level, String clientId, String willTopic) {
    }

    private int state;            // 0 = fixed header byte, 1 = remaining length, 2 = body
    private long remaining;
    private long multiplier;
    private int packets;
    private int firstType = -1;
    private ByteArrayOutputStream connect = new ByteArrayOutputStream(); // null once the first packet ended
    private Connect read;

    /** Feeds one plaintext byte; says whether a CONNECT was read or a PUBLISH with QoS 2 (or the invalid 3) starts. */
    Event feed(int b) {
        switch (state) {
            case 0 -> {
                packets++;
                if (packets == 1) {
                    firstType = b >> 4;
                }
                state = 1;
                remaining = 0;
                multiplier = 1;
                if ((b >> 4) != 3) {
                    return Event.NONE;
                }
                return ((b >> 1) & 3) >= 2 ? Event.QOS2_PUBLISH
                        : packets > 1 && (b & 1) != 0 ? Event.RETAINED_PUBLISH : Event.NONE;
            }
            case 1 -> {
                remaining += (b & 0x7f) * multiplier;
                multiplier *= 128;
                if ((b & 0x80) == 0) {
                    state = remaining == 0 ? 0 : 2;
                    if (state == 0) {
                        return packetEnded();
                    }
                }
                return Event.NONE;
            }
            default -> {
                if (packets == 1 && connect != null && connect.size() < CONNECT_CAPTURE) {
                    connect.write(b);
                }
                if (--remaining == 0) {
                    state = 0;
                    return packetEnded();
                }
                return Event.NONE;
            }
        }
    }

    /** The CONNECT, once {@link #feed} said {@link Event#CONNECT}; null before, or when it was too short to read. */
    Connect connect() {
        return read;
    }

    private Event packetEnded() {
        if (packets == 1) {
            // only a CONNECT counts: a client that opens with PINGREQ or anything else has not connected
            read = firstType == 1 ? readConnect(connect.toByteArray()) : null;
            connect = null;
            return read == null ? Event.NONE : Event.CONNECT;
        }
        return Event.NONE;
    }

    /**
     * Protocol name, level, flags, keep-alive, (MQTT 5: properties,) then the client id and the Will (MQTT 3.1.1 §3.1,
     * MQTT 5 §3.1), from the variable header and payload of a CONNECT; null when they are too short to hold the level.
     */
    static Connect readConnect(byte[] v) {
        if (v.length < 2) {
            return null;
        }
        int nameLen = (v[0] & 0xff) << 8 | v[1] & 0xff;
        int at = 2 + nameLen;
        if (v.length < at + 6) {
            return null;
        }
        int level = v[at] & 0xff;
        int flags = v[at + 1] & 0xff;
        int idAt = level == 5 ? skipProperties(v, at + 4) : at + 4;
        String clientId = null;
        String willTopic = null;
        int idLen = idAt >= 0 && v.length >= idAt + 2 ? (v[idAt] & 0xff) << 8 | v[idAt + 1] & 0xff : -1;
        if (idLen >= 0 && v.length >= idAt + 2 + idLen) {
            clientId = new String(v, idAt + 2, idLen, StandardCharsets.UTF_8);
            int willAt = level == 5 ? skipProperties(v, idAt + 2 + idLen) : idAt + 2 + idLen;
            if ((flags & 0x04) != 0) {
                int wl = willAt >= 0 && v.length >= willAt + 2 ? (v[willAt] & 0xff) << 8 | v[willAt + 1] & 0xff : -1;
                willTopic = wl >= 0 && v.length >= willAt + 2 + wl
                        ? new String(v, willAt + 2, wl, StandardCharsets.UTF_8) : "(unreadable)";
            }
        } else if ((flags & 0x04) != 0) {
            willTopic = "(unreadable)";
        }
        return new Connect(level, clientId, willTopic);
    }

    /**
     * Where an MQTT 5 property list starting at {@code at} ends as Moquette's decoder (Netty's MqttDecoder) reads it,
     * or -1 when the bytes do not hold it or that decoder refuses it. Netty counts the length's own bytes against the
     * length and reads whole properties until the count reaches it: a list of length 1 holding one byte is read as
     * empty, and the byte is taken for the client id's length. The tap must find the client id the broker will see.
     */
    private static int skipProperties(byte[] v, int at) {
        long[] length = varint(v, at);
        if (length == null) {
            return -1;
        }
        long consumed = length[1];
        int p = at + (int) length[1];
        while (consumed < length[0]) {
            long[] id = varint(v, p);
            if (id == null) {
                return -1;
            }
            p += (int) id[1];
            consumed += id[1];
            int n;
            switch ((int) id[0]) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a -> n = 1;
                case 0x13, 0x21, 0x22, 0x23 -> n = 2;
                case 0x02, 0x11, 0x18, 0x27 -> n = 4;
                case 0x0b -> {
                    long[] sub = varint(v, p);
                    if (sub == null) {
                        return -1;
                    }
                    n = (int) sub[1];
                }
                case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f -> n = field(v, p);
                case 0x26 -> {
                    int key = field(v, p);
                    n = key < 0 ? -1 : field(v, p + key) < 0 ? -1 : key + field(v, p + key);
                }
                default -> n = -1; // Netty refuses an unknown property, and the CONNECT with it
            }
            if (n < 0 || p + n > v.length) {
                return -1;
            }
            p += n;
            consumed += n;
        }
        return p;
    }

    /** The size of a length-prefixed string or binary at {@code at}, prefix included; -1 when cut short. */
    private static int field(byte[] v, int at) {
        if (at + 2 > v.length) {
            return -1;
        }
        int n = 2 + ((v[at] & 0xff) << 8 | v[at + 1] & 0xff);
        return at + n > v.length ? -1 : n;
    }

    /** An MQTT variable byte integer at {@code at}: its value and its size in bytes; null when cut short or over 4. */
    private static long[] varint(byte[] v, int at) {
        long value = 0;
        for (int i = 0; i < 4; i++) {
            if (at + i >= v.length) {
                return null;
            }
            int b = v[at + i] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return new long[] {value, i + 1};
            }
        }
        return null;
    }
}
