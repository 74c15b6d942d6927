package dev.iotjwt.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (a {@link TlsTestServer}) that forwards everything the client
 * sends, but only the first {@code bytes} of the server's answer, and then resets the client's connection (RST by
 * {@code setSoLinger(true, 0)}): a reset in the middle of the handshake, after the ServerHello or part of the
 * server's flight, not just after the ClientHello. It stops on {@link #close()} or after 60 s at the latest.
 */
public final class CuttingProxy implements AutoCloseable {
    private final Loopback loopback = new Loopback("cutting-proxy");
    private final ServerSocket server;
    private final int backendPort;
    private final int bytes;
    private final List<Integer> forwarded = new CopyOnWriteArrayList<>();

    private CuttingProxy(int backendPort, int bytes) throws IOException {
        this.backendPort = backendPort;
        this.bytes = bytes;
        this.server = new ServerSocket(0, 50, Loopback.loopback());
        loopback.serve(server, Loopback.DEFAULT_READ_TIMEOUT, this::handle);
        loopback.stopAfter(Loopback.MAX_LIFETIME);
    }

    /** Forwards to 127.0.0.1:{@code backendPort}; of the answer only the first {@code bytes}, then RST. */
    public static CuttingProxy start(int backendPort, int bytes) {
        try {
            return new CuttingProxy(backendPort, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the cutting proxy", e);
        }
    }

    /** The port on 127.0.0.1. */
    public int port() {
        return server.getLocalPort();
    }

    /** Per connection, how many bytes of the server's answer reached the client before the reset. */
    public List<Integer> forwarded() {
        return List.copyOf(forwarded);
    }

    @Override
    public void close() {
        loopback.close();
    }

    private void handle(Socket client) throws IOException {
        Socket backend = new Socket();
        loopback.track(backend);
        try {
            backend.connect(new InetSocketAddress(Loopback.loopback(), backendPort), 5000);
            backend.setSoTimeout((int) Loopback.DEFAULT_READ_TIMEOUT.toMillis());
            InputStream fromClient = client.getInputStream();
            OutputStream toBackend = backend.getOutputStream();
            Loopback.daemon("cutting-proxy-up-" + client.getPort(), () -> pump(fromClient, toBackend));
            InputStream fromBackend = backend.getInputStream();
            OutputStream toClient = client.getOutputStream();
            byte[] buf = new byte[4096];
            int sent = 0;
            while (sent < bytes) {
                int n = fromBackend.read(buf, 0, Math.min(buf.length, bytes - sent));
                if (n < 0) {
                    break;
                }
                toClient.write(buf, 0, n);
                toClient.flush();
                sent += n;
            }
            forwarded.add(sent);
            // let the client read what was sent before the reset discards it
            sleep(Duration.ofMillis(100));
            client.setSoLinger(true, 0);
        } finally {
            Loopback.quietlyClose(backend);
            loopback.untrack(backend);
        }
    }

    private static void pump(InputStream in, OutputStream out) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side went away: the proxy is done with this connection
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
