package dev.iotjwt.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * One simulated device for the load bench: a blocking TLS socket speaking just enough MQTT 3.1.1 (CONNECT, PUBLISH
 * QoS 1, DISCONNECT). Unlike Paho (three threads a client) it holds a connection without a thread, so ten thousand
 * devices fit in one process. Verification is on: host name and chain are checked by the context's trust manager.
 */
final class BenchClient implements AutoCloseable {
    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int packetId;

    private BenchClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * TCP, TLS (SNI, HTTPS host name check, an overall handshake deadline: the tool's own TlsSockets) and CONNECT with
     * keep-alive 0 (a held connection sends nothing); returns the CONNACK code (0 accepted).
     */
    static Connected connect(SSLContext ctx, InetSocketAddress address, String host, String clientId, String username,
                             String password, Duration timeout, java.time.Instant now) throws IOException {
        dev.iotjwt.tls.TlsSettings tls = new dev.iotjwt.tls.TlsSettings(
                dev.iotjwt.tls.TlsSockets.sniAllowed(host) ? host : null, java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of(), now);
        SSLSocket s;
        try {
            s = dev.iotjwt.tls.TlsSockets.open(ctx, address, host, tls, timeout);
        } catch (IOException e) {
            throw new Failure(networkCode(e, timeout), e);
        }
        try {
            BenchClient c = new BenchClient(s);
            int connack = c.sendConnect(clientId, username, password);
            s.getSession().invalidate(); // every device makes a full handshake, as devices in the field do
            return new Connected(c, connack);
        } catch (IOException e) {
            s.close();
            throw new Failure(e instanceof java.net.SocketTimeoutException ? "mqtt.timeout"
                    : e instanceof Malformed ? "mqtt.malformed-connack" : "mqtt.closed", e);
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A connection that failed, with the finding code (DESIGN.md's contract, as {@code connect} names it). */
    static final class Failure extends IOException {
        private final String code;

        Failure(String code, IOException cause) {
            super(code, cause);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    /** The first packet after CONNECT was no CONNACK. */
    private static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /** The finding code of a failure before MQTT: TCP, the TLS handshake, or the chain and host name checks. */
    static String networkCode(IOException e, Duration timeout) {
        if (e instanceof java.net.ConnectException) {
            return "tcp.refused";
        }
        if (e instanceof java.net.SocketTimeoutException && !(e.getMessage() != null
                && e.getMessage().startsWith("TLS handshake"))) {
            return e.getMessage() != null && e.getMessage().contains("onnect timed out") ? "tcp.timeout"
                    : "tls.timeout";
        }
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
        }
        String m = all.toString();
        if (m.contains("CertificateExpiredException")) {
            return "trust.expired";
        }
        if (m.contains("CertificateNotYetValidException")) {
            return "trust.not-yet-valid";
        }
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return "trust.hostname-mismatch";
        }
        if (m.contains("PKIX path") || m.contains("CertPathValidatorException")) {
            return "trust.unknown-ca";
        }
        return dev.iotjwt.tls.TlsFailures.classify(e, timeout.toMillis()).code();
    }

    /** PINGREQ → PINGRESP within the socket's timeout: whether the broker still holds this connection. */
    boolean alive() {
        try {
            packet(0xC0, new byte[0]);
            while (true) {
                int type = in.readUnsignedByte();
                byte[] body = new byte[remainingLength()];
                in.readFully(body);
                if (type == 0xD0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** A connection and the broker's answer to its CONNECT. */
    record Connected(BenchClient client, int connack) {
    }

    private int sendConnect(String clientId, String username, String password) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] user = username.getBytes(StandardCharsets.UTF_8);
        byte[] pass = password.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream v = new java.io.ByteArrayOutputStream();
        v.write(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 0});
        string(v, id);
        string(v, user);
        string(v, pass);
        packet(0x10, v.toByteArray());
        int type = in.readUnsignedByte();
        int length = remainingLength();
        byte[] body = new byte[length];
        in.readFully(body);
        if (type != 0x20 || length != 2) {
            throw new Malformed("not a CONNACK: packet type " + (type >> 4));
        }
        return body[1] & 0xff;
    }

    /** PUBLISH with QoS 1 and waits for its PUBACK. */
    void publish(String topic, byte[] payload) throws IOException {
        packetId = packetId % 65535 + 1;
        java.io.ByteArrayOutputStream v = new java.io.ByteArrayOutputStream();
        string(v, topic.getBytes(StandardCharsets.UTF_8));
        v.write(packetId >> 8);
        v.write(packetId & 0xff);
        v.write(payload);
        packet(0x32, v.toByteArray());
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[remainingLength()];
            in.readFully(body);
            if (type == 0x40 && body.length == 2 && ((body[0] & 0xff) << 8 | body[1] & 0xff) == packetId) {
                return;
            }
        }
    }

    private void packet(int type, byte[] body) throws IOException {
        java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream(body.length + 5);
        p.write(type);
        int n = body.length;
        do {
            int b = n % 128;
            n /= 128;
            p.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        p.write(body);
        out.write(p.toByteArray());
        out.flush();
    }

    private int remainingLength() throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length");
    }

    private static void string(java.io.ByteArrayOutputStream v, byte[] s) {
        v.write(s.length >> 8);
        v.write(s.length & 0xff);
        v.writeBytes(s);
    }

    @Override
    public void close() {
        try {
            packet(0xE0, new byte[0]);
        } catch (IOException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closed
        }
    }
}
