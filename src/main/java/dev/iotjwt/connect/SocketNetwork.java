package dev.iotjwt.connect;

import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.tls.TlsContexts;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TunnelSocketFactory;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** The network as it is: the JDK's resolver and sockets, {@link TlsProbe}, and Paho through {@link PahoConnector}. */
final class SocketNetwork implements Network {

    @Override
    public List<InetAddress> resolve(String host, Duration timeout) throws UnknownHostException, TimeoutException {
        // the JDK's resolver has no bound of its own: it runs aside and is given up on at the bound
        CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return List.of(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw e;
        } catch (ExecutionException | InterruptedException e) {
            throw new UnknownHostException(host);
        }
    }

    @Override
    public void connect(InetSocketAddress address, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, (int) timeout.toMillis());
        }
    }

    @Override
    public TlsProbe.Result handshake(List<X509Certificate> roots, InetSocketAddress address, String host,
                                     TlsSettings settings, Duration timeout, boolean keepOpen) {
        return new TlsProbe().probe(roots, address, host, settings, timeout, keepOpen);
    }

    @Override
    public MqttLink mqtt() {
        return new PahoLink();
    }

    /** Paho, through the one class that touches it. */
    private static final class PahoLink implements MqttLink {
        private final PahoConnector paho = new PahoConnector();

        @Override
        public PahoConnector.ConnectOutcome connect(Dial dial, String clientId, String username, String token) {
            TunnelSocketFactory tunnel = new TunnelSocketFactory(new Contexts(dial.roots(), dial.tls().verifyAt()),
                    dial.address(), dial.host(), dial.tls(), dial.timeout());
            if (dial.verified() != null) {
                tunnel.first(dial.verified());
            }
            return paho.connect(tunnel, dial.address(), clientId, username, token, dial.timeout());
        }

        @Override
        public PahoConnector.SessionOutcome session(String publishTopic, String payload, String subscribeTopic,
                                                    Duration wait, Duration timeout) {
            return paho.session(publishTopic, payload, subscribeTopic, wait, timeout);
        }

        @Override
        public boolean publish(String topic, byte[] payload) {
            return paho.publish(topic, payload);
        }

        @Override
        public Throwable lost() {
            return paho.lost();
        }

        @Override
        public void close() {
            paho.close();
        }
    }

    /** A PKIX context for a connection of MQTT's own (reconnects); made only when one is needed. */
    private record Contexts(List<X509Certificate> roots, Instant verifyAt)
            implements Supplier<SSLContext> {
        @Override
        public SSLContext get() {
            try {
                return TlsContexts.create(roots, verifyAt).context();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
    }
}
