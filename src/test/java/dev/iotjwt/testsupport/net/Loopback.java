package dev.iotjwt.testsupport.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared life cycle of the loopback test servers: an accept loop on a daemon thread, one daemon thread per
 * connection, a read timeout on every accepted socket, and a hard stop after at most {@link #MAX_LIFETIME}.
 */
final class Loopback implements AutoCloseable {
    /** No test server lives longer than this, even when a test forgets to close it. */
    static final Duration MAX_LIFETIME = Duration.ofSeconds(60);
    /** Read timeout of accepted sockets unless a server sets another one. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(20);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loopback-timer");
        t.setDaemon(true);
        return t;
    });

    /** What a server does with one accepted socket; the socket is closed afterwards in any case. */
    interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final String name;
    private final Set<Closeable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ScheduledFuture<?> autoStop;

    Loopback(String name) {
        this.name = name;
    }

    static InetAddress loopback() {
        return InetAddress.getLoopbackAddress();
    }

    /** Starts accepting on {@code server}; the server socket is closed by {@link #close()}. */
    void serve(ServerSocket server, Duration readTimeout, Handler handler) {
        track(server);
        daemon(name + "-accept-" + server.getLocalPort(), () -> acceptLoop(server, readTimeout, handler));
    }

    /** Closes everything after {@code lifetime}, capped at {@link #MAX_LIFETIME}. */
    void stopAfter(Duration lifetime) {
        Duration capped = lifetime.compareTo(MAX_LIFETIME) > 0 ? MAX_LIFETIME : lifetime;
        autoStop = TIMER.schedule(this::close, capped.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes {@code c} after {@code delay} unless it is closed earlier. */
    void closeLater(Closeable c, Duration delay) {
        TIMER.schedule(() -> quietlyClose(c), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Registers something to close on {@link #close()}; closes it at once when already closed. */
    void track(Closeable c) {
        open.add(c);
        if (closed.get()) {
            quietlyClose(c);
        }
    }

    void untrack(Closeable c) {
        open.remove(c);
    }

    boolean isClosed() {
        return closed.get();
    }

    int accepted() {
        return accepted.get();
    }

    static Thread daemon(String threadName, Runnable body) {
        Thread t = new Thread(body, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void quietlyClose(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a test socket: nothing useful to do
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> stop = autoStop;
        if (stop != null) {
            stop.cancel(false);
        }
        for (Closeable c : open) {
            quietlyClose(c);
        }
        open.clear();
    }

    private void acceptLoop(ServerSocket server, Duration readTimeout, Handler handler) {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            track(socket);
            daemon(name + "-conn-" + socket.getPort(), () -> handleOne(socket, readTimeout, handler));
        }
    }

    private void handleOne(Socket socket, Duration readTimeout, Handler handler) {
        try {
            socket.setSoTimeout((int) readTimeout.toMillis());
            handler.handle(socket);
        } catch (IOException | RuntimeException e) {
            // the peer went away, timed out or the server was closed: the test observes this from the client side
        } finally {
            quietlyClose(socket);
            untrack(socket);
        }
    }
}
