package dev.iotjwt.testsupport.net;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link TlsTestServer} does after a completed TLS handshake: rows M1-M8 of the failure catalogue.
 * Use the constants or the factories {@link #connack(int)} and {@link #closeAfter(Duration)}.
 */
public final class MqttMode {
    /** The kinds of behaviour. */
    public enum Kind {
        /** TLS only: hold the connection open until the client closes or the read timeout passes. */
        NONE,
        /** Read CONNECT, answer CONNACK with a code; with code 0 serve a minimal session. */
        CONNACK,
        /** Read CONNECT, then close without a CONNACK (M1). */
        CLOSE,
        /** Read CONNECT, answer nothing (M2). */
        SILENT,
        /** CONNACK 0, serve the session, then close after a delay (M8). */
        CLOSE_AFTER,
        /** Read CONNECT, answer these raw bytes instead of a well-formed CONNACK, then hold or close. */
        REPLY
    }

    /** TLS only, no MQTT. */
    public static final MqttMode NONE = new MqttMode(Kind.NONE, 0, Duration.ZERO);
    /** Close after CONNECT without CONNACK (M1). */
    public static final MqttMode CLOSE = new MqttMode(Kind.CLOSE, 0, Duration.ZERO);
    /** Never answer the CONNECT (M2). */
    public static final MqttMode SILENT = new MqttMode(Kind.SILENT, 0, Duration.ZERO);

    private final Kind kind;
    private final int code;
    private final Duration delay;
    private final byte[] reply;
    private final boolean closeAfterReply;
    private final String name;

    private MqttMode(Kind kind, int code, Duration delay) {
        this(kind, code, delay, new byte[0], false, null);
    }

    private MqttMode(Kind kind, int code, Duration delay, byte[] reply, boolean closeAfterReply, String name) {
        this.kind = kind;
        this.code = code;
        this.delay = delay;
        this.reply = reply.clone();
        this.closeAfterReply = closeAfterReply;
        this.name = name;
    }

    /**
     * Answer the CONNECT with {@code bytes} (a malformed CONNACK, another packet type, a truncated packet), then hold
     * the connection open without a further byte until the client closes it or the read timeout passes.
     */
    public static MqttMode reply(String name, byte... bytes) {
        return new MqttMode(Kind.REPLY, 0, Duration.ZERO, Objects.requireNonNull(bytes), false, name);
    }

    /** Like {@link #reply(String, byte...)}, then close the connection (FIN). */
    public static MqttMode replyAndClose(String name, byte... bytes) {
        return new MqttMode(Kind.REPLY, 0, Duration.ZERO, Objects.requireNonNull(bytes), true, name);
    }

    /** CONNACK with {@code code} (0 accepted, 1-5 the MQTT 3.1.1 refusals, M3-M7). */
    public static MqttMode connack(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("CONNACK code must be a byte: " + code);
        }
        return new MqttMode(Kind.CONNACK, code, Duration.ZERO);
    }

    /** CONNACK 0, then the server drops the connection after {@code delay} (M8). */
    public static MqttMode closeAfter(Duration delay) {
        return new MqttMode(Kind.CLOSE_AFTER, 0, Objects.requireNonNull(delay));
    }

    public Kind kind() {
        return kind;
    }

    /** The CONNACK return code (0 for CLOSE_AFTER). */
    public int code() {
        return code;
    }

    /** The delay of CLOSE_AFTER. */
    public Duration delay() {
        return delay;
    }

    /** The raw answer of REPLY. */
    public byte[] reply() {
        return reply.clone();
    }

    /** Whether REPLY closes the connection after its answer (else it holds it open, silent). */
    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    @Override
    public String toString() {
        switch (kind) {
            case CONNACK:
                return "CONNACK(" + code + ")";
            case CLOSE_AFTER:
                return "CLOSE_AFTER(" + delay + ")";
            case REPLY:
                return name + (closeAfterReply ? ", then close" : "");
            default:
                return kind.name();
        }
    }
}
