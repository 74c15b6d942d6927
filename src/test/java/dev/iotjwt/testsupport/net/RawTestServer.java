package dev.iotjwt.testsupport.net;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain TCP server on 127.0.0.1 for network faults below TLS: silence, FIN or RST after the ClientHello, a
 * cleartext reply, a fatal TLS alert, a full accept queue, a trickle. Start it with {@link #start(RawMode)}; it
 * stops on {@link #close()} or after 60 s at the latest.
 */
public final class RawTestServer implements AutoCloseable {
    /** Filler sockets tried at most to fill the accept queue in FULL_BACKLOG. */
    private static final int MAX_FILLERS = 8;
    private static final int FILLER_CONNECT_TIMEOUT_MS = 250;
    private static final byte[] HTTP_400 = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 11\r\n"
            + "Connection: close\r\n\r\n"
            + "Bad Request").getBytes(StandardCharsets.US_ASCII);
    /** The header of a 16 KiB TLS handshake record: the client waits for the rest. */
    private static final byte[] TRICKLE_HEADER = {0x16, 0x03, 0x03, 0x40, 0x00};

    private final RawMode mode;
    private final Loopback loopback = new Loopback("raw-test-server");
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private volatile boolean backlogFull;

    private RawTestServer(RawMode mode, Duration readTimeout, Duration lifetime) throws IOException {
        this.mode = mode;
        boolean backlog = mode.kind() == RawMode.Kind.FULL_BACKLOG;
        this.server = new ServerSocket(0, backlog ? 1 : 50, Loopback.loopback());
        if (backlog) {
            loopback.track(server);
            fillAcceptQueue();
        } else {
            loopback.serve(server, readTimeout, this::handle);
        }
        loopback.stopAfter(lifetime);
    }

    /** Starts a server in {@code mode} with a 20 s read timeout and a 60 s lifetime. */
    public static RawTestServer start(RawMode mode) {
        return start(mode, Loopback.DEFAULT_READ_TIMEOUT, Loopback.MAX_LIFETIME);
    }

    /** Starts a server in {@code mode}; {@code lifetime} is capped at 60 s. */
    public static RawTestServer start(RawMode mode, Duration readTimeout, Duration lifetime) {
        try {
            return new RawTestServer(mode, readTimeout, lifetime);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the raw test server", e);
        }
    }

    /**
     * A port on 127.0.0.1 with nothing listening (bound, read, closed), so a connection is refused (N2). Another
     * process could take it in between; on a test machine that is rare enough.
     */
    public static int unusedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, Loopback.loopback())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port", e);
        }
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    public RawMode mode() {
        return mode;
    }

    /** TCP connections accepted (always 0 in FULL_BACKLOG, which never accepts). */
    public int acceptedConnections() {
        return loopback.accepted();
    }

    /** The first bytes read on each connection (normally a ClientHello record), in order. */
    public List<byte[]> received() {
        List<byte[]> copy = new ArrayList<>();
        for (byte[] b : received) {
            copy.add(b.clone());
        }
        return copy;
    }

    /**
     * FULL_BACKLOG only: whether a filler connection timed out, that is, the kernel now drops further SYNs.
     * False on systems that do not behave like Linux; tests should then be skipped.
     */
    public boolean backlogFull() {
        return backlogFull;
    }

    @Override
    public void close() {
        loopback.close();
    }

    private void handle(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        switch (mode.kind()) {
            case SILENT:
                record(readFirst(in));
                drain(in);
                return;
            case CLOSE_AFTER_HELLO:
                record(readFirst(in));
                return;
            case RESET_AFTER_HELLO:
                record(readFirst(in));
                socket.setSoLinger(true, 0);
                return;
            case HTTP_REPLY:
                record(readFirst(in));
                answerAndLinger(socket, HTTP_400);
                return;
            case ALERT:
                record(readFirst(in));
                answerAndLinger(socket, new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, (byte) mode.alertCode()});
                return;
            case ONE_BYTE_PER_SECOND:
                record(readFirst(in));
                trickle(out);
                return;
            case CLOSE_AFTER:
                loopback.closeLater(socket, mode.delay());
                record(readFirst(in));
                drain(in);
                return;
            default:
                throw new IllegalStateException("unexpected mode " + mode);
        }
    }

    /** Reads one whole TLS record when the peer starts one, else whatever arrives in one read. */
    private static byte[] readFirst(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024 + 5];
        int n = in.read(buf);
        if (n <= 0) {
            return new byte[0];
        }
        if (buf[0] == 0x16 && n >= 5) {
            int total = Math.min(buf.length, 5 + (((buf[3] & 0xFF) << 8) | (buf[4] & 0xFF)));
            if (n < total) {
                new DataInputStream(in).readFully(buf, n, total - n);
                n = total;
            }
        }
        return Arrays.copyOf(buf, n);
    }

    private void record(byte[] first) {
        received.add(first);
    }

    /** Sends {@code reply}, half-closes, and waits for the peer to close, so it reads the reply rather than RST. */
    private static void answerAndLinger(Socket socket, byte[] reply) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(reply);
        out.flush();
        socket.shutdownOutput();
        drain(socket.getInputStream());
    }

    private void trickle(OutputStream out) throws IOException {
        for (int i = 0; !loopback.isClosed(); i++) {
            out.write(i < TRICKLE_HEADER.length ? TRICKLE_HEADER[i] : 0);
            out.flush();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // discard
        }
    }

    /**
     * Linux keeps at most backlog + 1 connections in the accept queue and then drops SYNs; connect fillers until
     * one times out. The fillers stay open (and are closed with the server) so the queue stays full.
     */
    private void fillAcceptQueue() throws IOException {
        InetSocketAddress address = new InetSocketAddress(Loopback.loopback(), server.getLocalPort());
        for (int i = 0; i < MAX_FILLERS; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(address, FILLER_CONNECT_TIMEOUT_MS);
                loopback.track(filler);
            } catch (SocketTimeoutException e) {
                Loopback.quietlyClose(filler);
                backlogFull = true;
                return;
            } catch (IOException e) {
                Loopback.quietlyClose(filler);
                return; // refused or reset: not Linux-like; backlogFull stays false
            }
        }
    }
}
