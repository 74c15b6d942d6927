package dev.iotjwt.testsupport.net;

import dev.iotjwt.testsupport.net.TestPki.Issued;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JSSE TLS server on 127.0.0.1 that plays an IoT-Core-like MQTT bridge, or misbehaves in the ways of the failure
 * catalogue (rows T1-T12 and M1-M8). Configure it with the fluent setters, then {@link #start()}; it records what
 * clients sent for assertions and stops on {@link #close()} or after 60 s at the latest.
 *
 * <pre>{@code
 * try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("mqtt.example.test"))
 *         .mqtt(MqttMode.connack(5)).start()) {
 *     ... connect to 127.0.0.1:server.port() ...
 * }
 * }</pre>
 */
public final class TlsTestServer implements AutoCloseable {
    /**
     * One accepted connection's TLS handshake.
     *
     * @param sni         the SNI host name the client sent, or null when it sent none
     * @param completed   whether the handshake completed
     * @param protocol    the negotiated protocol, or null when the handshake failed
     * @param cipherSuite the negotiated suite, or null when the handshake failed
     * @param failure     the server-side exception text when the handshake failed, else null
     */
    public record Handshake(String sni, boolean completed, String protocol, String cipherSuite, String failure) {
    }

    private Issued defaultChain;
    private final Map<String, Issued> sniChains = new LinkedHashMap<>();
    private String requiredSni;
    private String[] protocols;
    private String[] cipherSuites;
    private boolean needClientAuth;
    private X509Certificate[] clientRoots = new X509Certificate[0];
    private MqttMode mode = MqttMode.connack(0);
    private int subackCode = 1;
    private Duration readTimeout = Loopback.DEFAULT_READ_TIMEOUT;
    private Duration lifetime = Loopback.MAX_LIFETIME;

    private final Loopback loopback = new Loopback("tls-test-server");
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();
    private final List<ConnectPacket> connects = new CopyOnWriteArrayList<>();
    private final List<String> subscriptions = new CopyOnWriteArrayList<>();
    private final List<PublishPacket> publishes = new CopyOnWriteArrayList<>();
    private final AtomicInteger completedHandshakes = new AtomicInteger();
    private volatile SSLServerSocket serverSocket;

    /** The certificate served by default, including when the client sends no SNI. */
    public TlsTestServer chain(Issued issued) {
        checkNotStarted();
        this.defaultChain = issued;
        return this;
    }

    /** A certificate served only when the client sends SNI {@code hostname}. */
    public TlsTestServer sniChain(String hostname, Issued issued) {
        checkNotStarted();
        sniChains.put(hostname, issued);
        return this;
    }

    /**
     * Fails handshakes whose SNI is not {@code hostname} with the fatal alert unrecognized_name (T5). A client that
     * sends no SNI is not affected: JSSE does not consult an SNIMatcher then.
     */
    public TlsTestServer requireSni(String hostname) {
        checkNotStarted();
        this.requiredSni = hostname;
        return this;
    }

    /** The enabled protocols, for example "TLSv1.3" alone (T1). */
    public TlsTestServer protocols(String... names) {
        checkNotStarted();
        this.protocols = names.clone();
        return this;
    }

    /** The enabled cipher suites (T2). */
    public TlsTestServer cipherSuites(String... names) {
        checkNotStarted();
        this.cipherSuites = names.clone();
        return this;
    }

    /**
     * Demands a client certificate issued by one of {@code trustedRoots} (T12); with none given, no client
     * certificate can satisfy the server.
     */
    public TlsTestServer needClientAuth(X509Certificate... trustedRoots) {
        checkNotStarted();
        this.needClientAuth = true;
        this.clientRoots = trustedRoots.clone();
        return this;
    }

    /** What happens after the handshake; CONNACK 0 with a minimal session by default. */
    public TlsTestServer mqtt(MqttMode mqttMode) {
        checkNotStarted();
        this.mode = mqttMode;
        return this;
    }

    /** The return code of every SUBACK entry: 1 (granted QoS 1) by default, 0x80 to refuse. */
    public TlsTestServer subackCode(int code) {
        checkNotStarted();
        this.subackCode = code;
        return this;
    }

    /** Read timeout of accepted sockets (20 s by default); a connection idle this long is closed. */
    public TlsTestServer readTimeout(Duration timeout) {
        checkNotStarted();
        this.readTimeout = timeout;
        return this;
    }

    /** Stops the server by itself after this long (at most, and by default, 60 s). */
    public TlsTestServer lifetime(Duration maxLifetime) {
        checkNotStarted();
        this.lifetime = maxLifetime;
        return this;
    }

    /** Binds 127.0.0.1 on an ephemeral port and starts accepting. */
    public TlsTestServer start() {
        checkNotStarted();
        if (defaultChain == null && sniChains.isEmpty()) {
            throw new IllegalStateException("no certificate: call chain(...) or sniChain(...)");
        }
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SniKeyManager(defaultChain, sniChains)}, clientTrust(), null);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, Loopback.loopback());
            if (protocols != null) {
                server.setEnabledProtocols(protocols);
            }
            if (cipherSuites != null) {
                server.setEnabledCipherSuites(cipherSuites);
            }
            server.setNeedClientAuth(needClientAuth);
            serverSocket = server;
            loopback.serve(server, readTimeout, this::handle);
            loopback.stopAfter(lifetime);
            return this;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot start the TLS test server", e);
        }
    }

    /** The port on 127.0.0.1. */
    public int port() {
        if (serverSocket == null) {
            throw new IllegalStateException("not started");
        }
        return serverSocket.getLocalPort();
    }

    /** Every CONNECT received, in order. */
    public List<ConnectPacket> connects() {
        return List.copyOf(connects);
    }

    /** Every handshake attempted (one per accepted connection that got that far), in order. */
    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    /** The SNI host name of the most recent handshake attempt, or null when the client sent none (or none came). */
    public String sni() {
        List<Handshake> all = handshakes();
        return all.isEmpty() ? null : all.get(all.size() - 1).sni();
    }

    /** Topic filters of every SUBSCRIBE, in order. */
    public List<String> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /** Every PUBLISH received, in order. */
    public List<PublishPacket> publishes() {
        return List.copyOf(publishes);
    }

    /** TCP connections accepted. */
    public int acceptedConnections() {
        return loopback.accepted();
    }

    /** TLS handshakes that completed on the server side. */
    public int completedHandshakes() {
        return completedHandshakes.get();
    }

    /**
     * Waits up to {@code max} until at least {@code n} CONNECT packets arrived. The server finishes a TLS 1.3
     * handshake after the client does, so records can trail the client by a moment.
     */
    public List<ConnectPacket> awaitConnects(int n, Duration max) {
        return awaitSize(this::connects, n, max);
    }

    /** Waits up to {@code max} until at least {@code n} handshakes were recorded (completed or failed). */
    public List<Handshake> awaitHandshakes(int n, Duration max) {
        return awaitSize(this::handshakes, n, max);
    }

    @Override
    public void close() {
        loopback.close();
    }

    private void handle(Socket socket) throws IOException {
        SSLSocket tls = (SSLSocket) socket;
        RecordingSniMatcher matcher = new RecordingSniMatcher(requiredSni);
        SSLParameters params = tls.getSSLParameters();
        params.setSNIMatchers(List.of(matcher));
        tls.setSSLParameters(params);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            handshakes.add(new Handshake(matcher.seen, false, null, null, e.toString()));
            throw e;
        }
        String sni = SniKeyManager.requestedHost(tls.getSession());
        handshakes.add(new Handshake(sni, true, tls.getSession().getProtocol(), tls.getSession().getCipherSuite(),
                null));
        completedHandshakes.incrementAndGet();
        serveMqtt(tls, sni);
    }

    private void serveMqtt(SSLSocket tls, String sni) throws IOException {
        InputStream in = tls.getInputStream();
        OutputStream out = tls.getOutputStream();
        switch (mode.kind()) {
            case NONE:
                drain(in);
                return;
            case CLOSE:
                readConnect(in, sni);
                return;
            case SILENT:
                readConnect(in, sni);
                drain(in);
                return;
            case CONNACK:
                readConnect(in, sni);
                MqttWire.writeConnack(out, mode.code());
                if (mode.code() == 0) {
                    session(in, out);
                }
                return;
            case CLOSE_AFTER:
                readConnect(in, sni);
                MqttWire.writeConnack(out, 0);
                loopback.closeLater(tls, mode.delay());
                session(in, out);
                return;
            case REPLY:
                readConnect(in, sni);
                out.write(mode.reply());
                out.flush();
                if (!mode.closeAfterReply()) {
                    drain(in);
                }
                return;
            default:
                throw new IllegalStateException("unknown mode " + mode);
        }
    }

    private void readConnect(InputStream in, String sni) throws IOException {
        MqttWire.Packet packet = MqttWire.read(in);
        if (packet.type() != MqttWire.CONNECT) {
            throw new IOException("expected CONNECT, got packet type " + packet.type());
        }
        connects.add(MqttWire.parseConnect(packet.body(), sni));
    }

    /** A minimal IoT-Core-like session: QoS 0/1 only, QoS 2 closes the connection as IoT Core did. */
    private void session(InputStream in, OutputStream out) throws IOException {
        while (true) {
            MqttWire.Packet p = MqttWire.read(in);
            switch (p.type()) {
                case MqttWire.SUBSCRIBE:
                    List<String> topics = MqttWire.subscribeTopics(p.body());
                    subscriptions.addAll(topics);
                    MqttWire.writeSuback(out, MqttWire.packetId(p.body()), topics.size(), subackCode);
                    break;
                case MqttWire.UNSUBSCRIBE:
                    MqttWire.writeAck(out, 11, MqttWire.packetId(p.body()));
                    break;
                case MqttWire.PUBLISH:
                    PublishPacket publish = MqttWire.parsePublish(p);
                    publishes.add(publish);
                    if (publish.qos() == 2) {
                        return;
                    }
                    if (publish.qos() == 1) {
                        MqttWire.writeAck(out, 4, MqttWire.publishId(p));
                    }
                    break;
                case MqttWire.PINGREQ:
                    MqttWire.writePingresp(out);
                    break;
                default: // DISCONNECT, or anything a strict broker would not take
                    return;
            }
        }
    }

    /** Reads and discards until the peer closes; the socket read timeout bounds the wait. */
    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // discard
        }
    }

    private TrustManager[] clientTrust() throws GeneralSecurityException, IOException {
        if (!needClientAuth) {
            return null;
        }
        X509Certificate[] roots = clientRoots.length > 0
                ? clientRoots
                : new X509Certificate[] {TestPki.ecRoot("unsatisfiable client CA").root()};
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < roots.length; i++) {
            store.setCertificateEntry("client-root-" + i, roots[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    private void checkNotStarted() {
        if (serverSocket != null) {
            throw new IllegalStateException("already started");
        }
    }

    private static <T> List<T> awaitSize(Supplier<List<T>> source, int n, Duration max) {
        Instant deadline = Instant.now().plus(max);
        List<T> now = source.get();
        while (now.size() < n && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = source.get();
        }
        return now;
    }

    /** Records the SNI host name of one handshake and, with a required name, rejects any other. */
    private static final class RecordingSniMatcher extends SNIMatcher {
        private final String required;
        private volatile String seen;

        RecordingSniMatcher(String required) {
            super(StandardConstants.SNI_HOST_NAME);
            this.required = required;
        }

        @Override
        public boolean matches(SNIServerName serverName) {
            String host = serverName instanceof SNIHostName
                    ? ((SNIHostName) serverName).getAsciiName()
                    : new SNIHostName(serverName.getEncoded()).getAsciiName();
            seen = host;
            return required == null || required.equalsIgnoreCase(host);
        }
    }
}
