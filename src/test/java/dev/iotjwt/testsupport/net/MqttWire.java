package dev.iotjwt.testsupport.net;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A minimal MQTT 3.1.1 codec: enough to read what a device sends and to answer it. */
final class MqttWire {
    static final int CONNECT = 1;
    static final int PUBLISH = 3;
    static final int PUBREL = 6;
    static final int SUBSCRIBE = 8;
    static final int UNSUBSCRIBE = 10;
    static final int PINGREQ = 12;
    static final int DISCONNECT = 14;

    /** Larger packets are treated as an attack on the test, not as data. */
    private static final int MAX_PACKET = 1 << 20;

    private MqttWire() {
    }

    /** One packet: the first header byte and the variable header plus payload. */
    record Packet(int header, byte[] body) {
        int type() {
            return (header >> 4) & 0x0F;
        }

        int flags() {
            return header & 0x0F;
        }
    }

    /** Reads one packet; EOFException when the peer closed. */
    static Packet read(InputStream in) throws IOException {
        int header = in.read();
        if (header < 0) {
            throw new EOFException("peer closed");
        }
        int length = 0;
        int multiplier = 1;
        for (int i = 0; ; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("peer closed inside the remaining length");
            }
            length += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0) {
                break;
            }
            if (i == 3) {
                throw new IOException("malformed remaining length");
            }
            multiplier *= 128;
        }
        if (length > MAX_PACKET) {
            throw new IOException("packet too large: " + length);
        }
        byte[] body = new byte[length];
        new DataInputStream(in).readFully(body);
        return new Packet(header, body);
    }

    /** Parses the body of a CONNECT packet (MQTT 3.1 or 3.1.1). */
    static ConnectPacket parseConnect(byte[] body, String sni) throws IOException {
        Reader r = new Reader(body);
        String protocolName = r.string();
        int level = r.u8();
        int flags = r.u8();
        int keepAlive = r.u16();
        String clientId = r.string();
        if ((flags & 0x04) != 0) {
            r.string(); // will topic
            r.binary(); // will message
        }
        String username = (flags & 0x80) != 0 ? r.string() : null;
        String password = (flags & 0x40) != 0 ? new String(r.binary(), StandardCharsets.UTF_8) : null;
        return new ConnectPacket(level, protocolName, clientId, username, password, (flags & 0x02) != 0, keepAlive,
                sni);
    }

    /** Parses a PUBLISH packet. */
    static PublishPacket parsePublish(Packet p) throws IOException {
        Reader r = new Reader(p.body());
        String topic = r.string();
        int qos = (p.flags() >> 1) & 0x03;
        if (qos > 0) {
            r.u16();
        }
        return new PublishPacket(topic, qos, new String(r.rest(), StandardCharsets.UTF_8));
    }

    /** The packet identifier of a PUBLISH with QoS > 0. */
    static int publishId(Packet p) throws IOException {
        Reader r = new Reader(p.body());
        r.string();
        return r.u16();
    }

    /** The topic filters of a SUBSCRIBE (each followed by its requested QoS) after the packet identifier. */
    static List<String> subscribeTopics(byte[] body) throws IOException {
        Reader r = new Reader(body);
        r.u16();
        List<String> topics = new ArrayList<>();
        while (r.remaining() > 0) {
            topics.add(r.string());
            r.u8();
        }
        return topics;
    }

    static int packetId(byte[] body) throws IOException {
        return new Reader(body).u16();
    }

    static void writeConnack(OutputStream out, int code) throws IOException {
        out.write(new byte[] {0x20, 0x02, 0x00, (byte) code});
        out.flush();
    }

    static void writeSuback(OutputStream out, int packetId, int count, int returnCode) throws IOException {
        byte[] p = new byte[4 + count];
        p[0] = (byte) 0x90;
        p[1] = (byte) (2 + count); // SUBACKs of tests stay below 128 bytes
        p[2] = (byte) (packetId >> 8);
        p[3] = (byte) packetId;
        for (int i = 0; i < count; i++) {
            p[4 + i] = (byte) returnCode;
        }
        out.write(p);
        out.flush();
    }

    /** PUBACK (0x40), PUBCOMP (0x70) and UNSUBACK (0xB0) share this shape. */
    static void writeAck(OutputStream out, int type, int packetId) throws IOException {
        out.write(new byte[] {(byte) (type << 4), 0x02, (byte) (packetId >> 8), (byte) packetId});
        out.flush();
    }

    static void writePingresp(OutputStream out) throws IOException {
        out.write(new byte[] {(byte) 0xD0, 0x00});
        out.flush();
    }

    /** Reads length-prefixed fields from a packet body. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - pos;
        }

        int u8() throws IOException {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() throws IOException {
            need(2);
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        byte[] binary() throws IOException {
            int n = u16();
            need(n);
            byte[] v = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return v;
        }

        String string() throws IOException {
            return new String(binary(), StandardCharsets.UTF_8);
        }

        byte[] rest() {
            byte[] v = Arrays.copyOfRange(b, pos, b.length);
            pos = b.length;
            return v;
        }

        private void need(int n) throws IOException {
            if (pos + n > b.length) {
                throw new IOException("malformed MQTT packet: truncated field");
            }
        }
    }
}
