package dev.iotjwt.broker;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A device that speaks MQTT 3.1.1 over TLS byte by byte, for the attacks Paho will not make: any topic string, no
 * client-side checks, one blocking socket and no thread, so a thousand of them fit in a test. Verification is on
 * (the broker's CA, host name localhost).
 */
final class RawDevice implements AutoCloseable {
    /** One MQTT packet: the first header byte and the rest. */
    record Packet(int header, byte[] body) {
        int type() {
            return header >> 4 & 0x0f;
        }

        String topic() {
            int n = (body[0] & 0xff) << 8 | body[1] & 0xff;
            return new String(body, 2, n, StandardCharsets.UTF_8);
        }
    }

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int packetId;

    private RawDevice(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** TCP and a full TLS handshake with SNI localhost; reads time out after {@code timeout}. */
    static RawDevice open(SSLContext ctx, int port, Duration timeout) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("localhost")));
            p.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(p);
            s.setSoTimeout((int) timeout.toMillis());
            s.startHandshake();
            s.getSession().invalidate(); // every device makes a full handshake
            return new RawDevice(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** CONNECT (clean session, keep-alive 0, user name 'unused', the token as password); the CONNACK code. */
    int connect(String clientId, String token) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 0});
        string(v, clientId);
        string(v, "unused");
        string(v, token);
        send(0x10, v.toByteArray());
        Packet p = read();
        if (p.type() != 2 || p.body().length != 2) {
            throw new IOException("not a CONNACK: packet type " + p.type());
        }
        return p.body()[1] & 0xff;
    }

    /** PUBLISH with QoS 1 and the next packet's type: 4 for PUBACK; EOFException when the broker closed instead. */
    int publish1(String topic, byte[] payload) throws IOException {
        return publish(0x32, topic, payload);
    }

    /** As {@link #publish1}, with the retain flag set. */
    int publishRetained1(String topic, byte[] payload) throws IOException {
        return publish(0x33, topic, payload);
    }

    private int publish(int header, String topic, byte[] payload) throws IOException {
        packetId = packetId % 65535 + 1;
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        v.write(packetId >> 8);
        v.write(packetId & 0xff);
        v.writeBytes(payload);
        send(header, v.toByteArray());
        return read().type();
    }

    /** PUBLISH with QoS 0 (nothing comes back). */
    void publish0(String topic, byte[] payload) throws IOException {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        string(v, topic);
        v.writeBytes(payload);
        send(0x30, v.toByteArray());
    }

    /** SUBSCRIBE to one filter with QoS 1; the SUBACK's return code (0x80: refused). */
    int subscribe(String filter) throws IOException {
        packetId = packetId % 65535 + 1;
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.write(packetId >> 8);
        v.write(packetId & 0xff);
        string(v, filter);
        v.write(1);
        send(0x82, v.toByteArray());
        while (true) {
            Packet p = read();
            if (p.type() == 9) {
                return p.body()[2] & 0xff;
            }
            if (p.type() != 3) {
                throw new IOException("not a SUBACK: packet type " + p.type());
            }
            // a retained message can come before the SUBACK: skipped here
        }
    }

    /** PINGREQ → PINGRESP: whether the broker still holds the connection (messages before it are skipped). */
    boolean alive() {
        try {
            send(0xC0, new byte[0]);
            while (read().type() != 13) {
                // skip what was on its way
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The next packet (a QoS 1 PUBLISH is acknowledged), or null when none comes within the read timeout;
     * EOFException when the broker closed.
     */
    Packet poll() throws IOException {
        try {
            return read();
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Whether the broker closes the connection within the read timeout, reading (and discarding) until then. */
    boolean closedByBroker() {
        try {
            while (true) {
                read();
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Writes raw bytes to the TLS stream. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** An MQTT 3.1 CONNECT ("MQIsdp", protocol level 3), otherwise as {@link #connectPacket}. */
    static byte[] connect31Packet(String clientId, String token) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {0, 6, 'M', 'Q', 'I', 's', 'd', 'p', 3, (byte) 0xC2, 0, 0});
        string(v, clientId);
        string(v, "unused");
        string(v, token);
        return packet(0x10, v.toByteArray());
    }

    static byte[] connectPacket(String clientId, String token) {
        ByteArrayOutputStream v = new ByteArrayOutputStream();
        v.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 0});
        string(v, clientId);
        string(v, "unused");
        string(v, token);
        return packet(0x10, v.toByteArray());
    }

    Packet read() throws IOException {
        int header = in.read();
        if (header < 0) {
            throw new EOFException("the broker closed the connection");
        }
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            if (shift > 21) {
                throw new IOException("malformed remaining length");
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        if (header >> 4 == 3 && (header >> 1 & 3) == 1) {
            // acknowledge a QoS 1 message at once, as a device does, or the broker sends it again
            int at = 2 + ((body[0] & 0xff) << 8 | body[1] & 0xff);
            send(0x40, new byte[] {body[at], body[at + 1]});
        }
        return new Packet(header, body);
    }

    private void send(int type, byte[] body) throws IOException {
        write(packet(type, body));
    }

    static byte[] packet(int type, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream(body.length + 5);
        p.write(type);
        int n = body.length;
        do {
            int b = n % 128;
            n /= 128;
            p.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    private static void string(ByteArrayOutputStream v, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        v.write(b.length >> 8);
        v.write(b.length & 0xff);
        v.writeBytes(b);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closed
        }
    }
}
