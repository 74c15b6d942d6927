package dev.iotjwt.tls;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * A socket factory for the MQTT client that dials a fixed address and completes a verified TLS handshake (SNI,
 * versions, suites and host-name verification as chosen by the diagnosis) before the client writes a byte. The MQTT
 * client is given a {@code tcp://} URI so it does not replace these choices with its own; its bytes, the JWT
 * included, only ever travel inside this verified TLS connection.
 */
public final class TunnelSocketFactory extends SocketFactory {
    private final java.util.function.Supplier<SSLContext> contexts;
    private SSLContext context;
    private final InetSocketAddress address;
    private final String host;
    private final TlsSettings settings;
    private final Duration timeout;
    private SSLSocket first;
    private java.util.function.UnaryOperator<InputStream> inbound = java.util.function.UnaryOperator.identity();

    /** @param contexts makes the verifying context, only when a connection of its own is needed (not for the first) */
    public TunnelSocketFactory(java.util.function.Supplier<SSLContext> contexts, InetSocketAddress address, String host,
                               TlsSettings settings,
                               Duration timeout) {
        this.contexts = contexts;
        this.address = address;
        this.host = host;
        this.settings = settings;
        this.timeout = timeout;
    }

    /**
     * The first connect uses this already verified connection (the diagnosis's TLS probe) instead of a second
     * handshake; later connects (reconnects) open their own.
     */
    public TunnelSocketFactory first(SSLSocket verified) {
        this.first = verified;
        return this;
    }

    /**
     * Wraps what each connection reads (the MQTT client uses it to check the broker's first packet); set it before
     * the client connects.
     */
    public synchronized TunnelSocketFactory inbound(java.util.function.UnaryOperator<InputStream> filter) {
        this.inbound = filter;
        return this;
    }

    private synchronized java.util.function.UnaryOperator<InputStream> inbound() {
        return inbound;
    }

    private synchronized SSLContext context() {
        if (context == null) {
            context = contexts.get();
        }
        return context;
    }

    private synchronized SSLSocket takeFirst() {
        SSLSocket s = first;
        first = null;
        return s != null && !s.isClosed() ? s : null;
    }

    @Override
    public Socket createSocket() {
        return new Tunnel();
    }

    @Override
    public Socket createSocket(String h, int p) throws IOException {
        Socket s = createSocket();
        s.connect(address);
        return s;
    }

    @Override
    public Socket createSocket(String h, int p, InetAddress localHost, int localPort) throws IOException {
        return createSocket(h, p);
    }

    @Override
    public Socket createSocket(InetAddress a, int p) throws IOException {
        return createSocket((String) null, p);
    }

    @Override
    public Socket createSocket(InetAddress a, int p, InetAddress localAddress, int localPort) throws IOException {
        return createSocket((String) null, p);
    }

    /** An unconnected socket whose connect() opens the verified TLS connection to the chosen address. */
    private final class Tunnel extends Socket {
        private SSLSocket ssl;
        private InputStream in;

        @Override
        public void connect(SocketAddress ignored, int timeoutMillis) throws IOException {
            SSLSocket open = takeFirst();
            try {
                ssl = open != null ? open : TlsSockets.open(context(), address, host, settings, timeout);
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void connect(SocketAddress ignored) throws IOException {
            connect(ignored, 0);
        }

        private SSLSocket ssl() throws IOException {
            if (ssl == null) {
                throw new IOException("not connected");
            }
            return ssl;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = inbound().apply(ssl().getInputStream());
            }
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return ssl().getOutputStream();
        }

        @Override
        public synchronized void setSoTimeout(int t) throws java.net.SocketException {
            if (ssl != null) {
                ssl.setSoTimeout(t);
            }
        }

        @Override
        public synchronized int getSoTimeout() throws java.net.SocketException {
            return ssl == null ? 0 : ssl.getSoTimeout();
        }

        @Override
        public boolean isConnected() {
            return ssl != null && ssl.isConnected();
        }

        @Override
        public boolean isClosed() {
            return ssl != null && ssl.isClosed();
        }

        @Override
        public InetAddress getInetAddress() {
            return address.getAddress();
        }

        @Override
        public int getPort() {
            return address.getPort();
        }

        @Override
        public void shutdownInput() throws IOException {
            ssl().shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            ssl().shutdownOutput();
        }

        @Override
        public synchronized void close() throws IOException {
            if (ssl != null) {
                ssl.close();
            }
            super.close();
        }
    }
}
