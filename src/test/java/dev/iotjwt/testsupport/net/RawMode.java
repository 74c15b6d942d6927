package dev.iotjwt.testsupport.net;

import java.time.Duration;

/**
 * How {@link RawTestServer} misbehaves at the TCP level (rows N3-N6, T11). Use the constants or
 * {@link #alert(int)}.
 */
public final class RawMode {
    /** The kinds of behaviour. */
    public enum Kind {
        SILENT, CLOSE_AFTER_HELLO, RESET_AFTER_HELLO, HTTP_REPLY, ALERT, FULL_BACKLOG, ONE_BYTE_PER_SECOND,
        CLOSE_AFTER
    }

    /** Accept, read, never answer (N4). */
    public static final RawMode SILENT = new RawMode(Kind.SILENT, 0);
    /** Read the ClientHello, then close: the client sees FIN (N5). */
    public static final RawMode CLOSE_AFTER_HELLO = new RawMode(Kind.CLOSE_AFTER_HELLO, 0);
    /** Read the ClientHello, then reset: the client sees RST (N5). */
    public static final RawMode RESET_AFTER_HELLO = new RawMode(Kind.RESET_AFTER_HELLO, 0);
    /** Answer an HTTP 400 to whatever arrives (N6). */
    public static final RawMode HTTP_REPLY = new RawMode(Kind.HTTP_REPLY, 0);
    /**
     * Listen with backlog 1, never accept, and fill the accept queue so that further SYNs are dropped (N3).
     * Linux only: other systems may refuse or accept instead; check {@link RawTestServer#backlogFull()}.
     */
    public static final RawMode FULL_BACKLOG = new RawMode(Kind.FULL_BACKLOG, 0);
    /**
     * Read the ClientHello, then trickle the start of a 16 KiB TLS handshake record one byte per second, so a
     * per-read timeout never fires and only an overall deadline ends the wait.
     */
    public static final RawMode ONE_BYTE_PER_SECOND = new RawMode(Kind.ONE_BYTE_PER_SECOND, 0);

    private final Kind kind;
    private final int alertCode;
    private final Duration delay;

    private RawMode(Kind kind, int alertCode) {
        this(kind, alertCode, Duration.ZERO);
    }

    private RawMode(Kind kind, int alertCode, Duration delay) {
        this.kind = kind;
        this.alertCode = alertCode;
        this.delay = delay;
    }

    /**
     * Accept the TCP connection, read whatever arrives (the ClientHello) without answering a byte, and close it (FIN)
     * after {@code delay}: a middlebox or a server that gives up on a client.
     */
    public static RawMode closeAfter(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        return new RawMode(Kind.CLOSE_AFTER, 0, delay);
    }

    /** The delay of CLOSE_AFTER. */
    public Duration delay() {
        return delay;
    }

    /** Read the ClientHello, answer the fatal TLS alert {@code code} ({@code 15 03 03 00 02 02 code}), close (T11). */
    public static RawMode alert(int code) {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("alert code must be a byte: " + code);
        }
        return new RawMode(Kind.ALERT, code);
    }

    public Kind kind() {
        return kind;
    }

    /** The alert description code of ALERT. */
    public int alertCode() {
        return alertCode;
    }

    @Override
    public String toString() {
        return kind == Kind.ALERT ? "ALERT(" + alertCode + ")"
                : kind == Kind.CLOSE_AFTER ? "CLOSE_AFTER(" + delay + ")" : kind.name();
    }
}
