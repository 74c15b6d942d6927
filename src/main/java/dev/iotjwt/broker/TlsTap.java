package dev.iotjwt.broker;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.SslContext;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;

/**
 * Where the broker sees the plaintext MQTT bytes of each connection, below Moquette: Moquette 0.17 can answer a
 * refused login only with CONNACK 4 and has no hook before it decodes a PUBLISH, but IoT Core answered 5 (1 for a
 * protocol level other than 3.1.1) and closed the connection on a QoS 2 PUBLISH. An {@link SSLEngine} wrapper
 * handed out by Moquette's TLS context does these:
 * <ul>
 * <li>it reads the CONNECT (client id, protocol level) and rewrites the refusal CONNACK's return code;</li>
 * <li>it fails the TLS read when a QoS 2 PUBLISH starts, so Moquette closes the channel before it acknowledges or
 *     routes the message;</li>
 * <li>with {@code --require-sni} it refuses an SNI naming none of the broker's host names (alert
 *     unrecognized_name, as a front end that does not serve the name);</li>
 * <li>it clears the retain flag of a device's PUBLISH: IoT Core kept no retained messages;</li>
 * <li>it knows whether the whole CONNECT has arrived, for the broker's CONNECT deadline, and fails the first TLS
 *     record that comes later than the connect timeout after the connection opened while the CONNECT is still
 *     incomplete (a second line of defence: the deadline closes the connection at the timeout itself).</li>
 * </ul>
 * The engine of the connection being read is published in {@link #CURRENT}: Moquette calls the authenticator on the
 * same Netty thread, within the read that decrypted the CONNECT.
 */
final class TlsTap {
    static final ThreadLocal<TapEngine> CURRENT = new ThreadLocal<>();

    private TlsTap() {
    }

    /** What the tap reports; called on Netty's threads. */
    interface Listener {
        /** A CONNECT was refused before the authenticator saw it (no user name or password, say). */
        void refusedUnjudged(TapEngine engine);

        /** A CONNECT of another protocol level than 3.1.1 arrived. */
        void otherProtocol(TapEngine engine);

        /** A QoS 2 PUBLISH arrived; the connection is being closed. */
        void qos2Refused(TapEngine engine);

        /** The connection closed, or is being closed, without a complete CONNECT within the connect timeout. */
        void connectTimedOut(TapEngine engine);
    }

    static String sniOf(SSLSession session) {
        if (session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
        }
        return null;
    }

    /** A Netty context whose engines are tapped. */
    static final class Ctx extends SslContext {
        private final SslContext delegate;
        private final Set<String> sniNames;
        private final Listener listener;
        private final long connectTimeoutNanos;

        /**
         * @param sniNames        the host names an SNI must name (lower case), or null to accept any SNI
         * @param listener        told of refusals the authenticator did not make
         * @param connectTimeout  how long after it opens a connection must have sent its whole CONNECT
         */
        Ctx(SslContext delegate, Set<String> sniNames, Listener listener, java.time.Duration connectTimeout) {
            this.delegate = delegate;
            this.sniNames = sniNames;
            this.listener = listener;
            this.connectTimeoutNanos = connectTimeout.toNanos();
        }

        @Override
        public boolean isClient() {
            return false;
        }

        @Override
        public List<String> cipherSuites() {
            return delegate.cipherSuites();
        }

        @SuppressWarnings("deprecation")
        @Override
        public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
            return delegate.applicationProtocolNegotiator();
        }

        @Override
        public SSLSessionContext sessionContext() {
            return delegate.sessionContext();
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc) {
            return tap(delegate.newEngine(alloc));
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc, String host, int port) {
            return tap(delegate.newEngine(alloc, host, port));
        }

        private SSLEngine tap(SSLEngine engine) {
            if (sniNames != null) {
                SSLParameters p = engine.getSSLParameters();
                p.setSNIMatchers(List.of(new NameMatcher(sniNames)));
                engine.setSSLParameters(p);
            }
            return new TapEngine(engine, listener, connectTimeoutNanos);
        }
    }

    /** Accepts an SNI host name that is one of the broker's names; JSSE answers unrecognized_name otherwise. */
    private static final class NameMatcher extends SNIMatcher {
        private final Set<String> names;

        NameMatcher(Set<String> names) {
            super(0); // StandardConstants.SNI_HOST_NAME
            this.names = names;
        }

        @Override
        public boolean matches(SNIServerName serverName) {
            return serverName instanceof SNIHostName h && names.contains(h.getAsciiName().toLowerCase(Locale.ROOT));
        }
    }

    /** One connection's engine: CONNECT reader, CONNACK rewriter, QoS 2 guard. */
    static final class TapEngine extends SSLEngine {
        private final SSLEngine d;
        private final Listener listener;
        private boolean connackSeen;
        private final MqttInbound inbound = new MqttInbound();
        // the CONNECT deadline: Moquette makes the engine when it accepts the connection
        private final long opened = System.nanoTime();
        private final long connectTimeoutNanos;
        private volatile boolean connectRead;
        private final java.util.concurrent.atomic.AtomicBoolean timedOut =
                new java.util.concurrent.atomic.AtomicBoolean();
        // what the CONNECT said and what the authenticator decided
        private volatile String clientId;
        private volatile int level = -1;
        private volatile String willTopic;
        private volatile boolean judged;
        private volatile int refusalCode = 5;
        private volatile boolean qos2Refused;

        TapEngine(SSLEngine delegate, Listener listener, long connectTimeoutNanos) {
            super(delegate.getPeerHost(), delegate.getPeerPort());
            this.d = delegate;
            this.listener = listener;
            this.connectTimeoutNanos = connectTimeoutNanos;
        }

        /** How long the connection has been open, in milliseconds. */
        long openMillis() {
            return (System.nanoTime() - opened) / 1_000_000;
        }

        /** Whether the whole CONNECT has arrived. */
        boolean connectRead() {
            return connectRead;
        }

        /** True when the connect timeout passed without a complete CONNECT; tells the listener (once). */
        private boolean connectOverdue() {
            if (connectRead || System.nanoTime() - opened < connectTimeoutNanos) {
                return false;
            }
            timedOut();
            return true;
        }

        /** The broker closes this connection for want of a complete CONNECT; tells the listener (once). */
        void timedOut() {
            if (!connectRead && timedOut.compareAndSet(false, true)) {
                listener.connectTimedOut(this);
            }
        }

        String sni() {
            SSLSession s = d.getHandshakeSession();
            return sniOf(s != null ? s : d.getSession());
        }

        String clientId() {
            return clientId;
        }

        /** The CONNECT's protocol level: 4 is MQTT 3.1.1, 3 is 3.1, 5 is MQTT 5; -1 before a CONNECT. */
        int level() {
            return level;
        }

        boolean qos2Refused() {
            return qos2Refused;
        }

        /** The topic of the Last Will the CONNECT carries, or null when it carries none. */
        String willTopic() {
            return willTopic;
        }

        /** The authenticator judged this connection; a refusal is answered with {@code connackCode}. */
        void judged(int connackCode) {
            this.judged = true;
            this.refusalCode = connackCode;
        }

        @Override
        public SSLEngineResult wrap(ByteBuffer[] srcs, int off, int len, ByteBuffer dst) throws SSLException {
            if (!connackSeen && d.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                rewriteConnack(srcs, off, len);
            }
            return d.wrap(srcs, off, len, dst);
        }

        /** The first 4 plaintext bytes a broker writes are the CONNACK: 0x20 0x02 flags code. */
        private void rewriteConnack(ByteBuffer[] srcs, int off, int len) {
            byte[] head = new byte[4];
            int n = 0;
            ByteBuffer codeBuf = null;
            int codePos = -1;
            for (int i = off; i < off + len && n < 4; i++) {
                ByteBuffer b = srcs[i];
                for (int p = b.position(); p < b.limit() && n < 4; p++) {
                    head[n] = b.get(p);
                    if (n == 3) {
                        codeBuf = b;
                        codePos = p;
                    }
                    n++;
                }
            }
            if (n < 4) {
                return;
            }
            connackSeen = true;
            if (head[0] == 0x20 && head[1] == 0x02 && head[3] == 0x04) {
                if (judged) {
                    codeBuf.put(codePos, (byte) refusalCode);
                } else {
                    codeBuf.put(codePos, (byte) 0x05);
                    listener.refusedUnjudged(this);
                }
            }
        }

        @Override
        public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int off, int len) throws SSLException {
            int[] before = new int[len];
            for (int i = 0; i < len; i++) {
                before[i] = dsts[off + i].position();
            }
            if (connectOverdue()) {
                throw new SSLException("no complete CONNECT within the connect timeout: closing");
            }
            CURRENT.set(this); // stays set while Netty fires the decrypted bytes up the pipeline on this thread
            SSLEngineResult r = d.unwrap(src, dsts, off, len);
            if (r.bytesProduced() > 0) {
                for (int i = 0; i < len; i++) {
                    ByteBuffer b = dsts[off + i];
                    for (int p = before[i]; p < b.position(); p++) {
                        MqttInbound.Event event = inbound.feed(b.get(p) & 0xff);
                        if (event == MqttInbound.Event.RETAINED_PUBLISH) {
                            // IoT Core kept no retained messages; Moquette would keep every one a device sends to
                            // its own events subfolders (up to 256 KiB each, topics nobody can subscribe to) for
                            // ever: the flag is cleared, the message goes on as an ordinary one
                            b.put(p, (byte) (b.get(p) & ~1));
                        }
                        if (event == MqttInbound.Event.QOS2_PUBLISH) {
                            qos2Refused = true;
                            listener.qos2Refused(this);
                            throw new SSLException("QoS 2 PUBLISH refused: IoT Core closes the connection");
                        }
                        if (event == MqttInbound.Event.CONNECT) {
                            connectRead = true;
                            connectRead(inbound.connect());
                        }
                    }
                }
            }
            return r;
        }

        /** What the CONNECT said, for the authenticator and the log. */
        private void connectRead(MqttInbound.Connect c) {
            level = c.level();
            if (c.clientId() != null) {
                clientId = c.clientId();
            }
            if (c.willTopic() != null) {
                willTopic = c.willTopic();
            }
            if (level != 4) {
                listener.otherProtocol(this);
            }
        }

        // ---- plain delegation ----
        @Override
        public Runnable getDelegatedTask() {
            return d.getDelegatedTask();
        }

        @Override
        public void closeInbound() throws SSLException {
            connectOverdue(); // Netty closes the engine when the channel closes: Moquette's idle timer, say
            d.closeInbound();
        }

        @Override
        public boolean isInboundDone() {
            return d.isInboundDone();
        }

        @Override
        public void closeOutbound() {
            connectOverdue();
            d.closeOutbound();
        }

        @Override
        public boolean isOutboundDone() {
            return d.isOutboundDone();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public String[] getEnabledCipherSuites() {
            return d.getEnabledCipherSuites();
        }

        @Override
        public void setEnabledCipherSuites(String[] suites) {
            d.setEnabledCipherSuites(suites);
        }

        @Override
        public String[] getSupportedProtocols() {
            return d.getSupportedProtocols();
        }

        @Override
        public String[] getEnabledProtocols() {
            return d.getEnabledProtocols();
        }

        @Override
        public void setEnabledProtocols(String[] protocols) {
            d.setEnabledProtocols(protocols);
        }

        @Override
        public SSLSession getSession() {
            return d.getSession();
        }

        @Override
        public SSLSession getHandshakeSession() {
            return d.getHandshakeSession();
        }

        @Override
        public void beginHandshake() throws SSLException {
            d.beginHandshake();
        }

        @Override
        public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
            return d.getHandshakeStatus();
        }

        @Override
        public void setUseClientMode(boolean mode) {
            d.setUseClientMode(mode);
        }

        @Override
        public boolean getUseClientMode() {
            return d.getUseClientMode();
        }

        @Override
        public void setNeedClientAuth(boolean need) {
            d.setNeedClientAuth(need);
        }

        @Override
        public boolean getNeedClientAuth() {
            return d.getNeedClientAuth();
        }

        @Override
        public void setWantClientAuth(boolean want) {
            d.setWantClientAuth(want);
        }

        @Override
        public boolean getWantClientAuth() {
            return d.getWantClientAuth();
        }

        @Override
        public void setEnableSessionCreation(boolean flag) {
            d.setEnableSessionCreation(flag);
        }

        @Override
        public boolean getEnableSessionCreation() {
            return d.getEnableSessionCreation();
        }

        @Override
        public SSLParameters getSSLParameters() {
            return d.getSSLParameters();
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            d.setSSLParameters(params);
        }

        @Override
        public String getApplicationProtocol() {
            return d.getApplicationProtocol();
        }

        @Override
        public String getHandshakeApplicationProtocol() {
            return d.getHandshakeApplicationProtocol();
        }

        @Override
        public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
            d.setHandshakeApplicationProtocolSelector(selector);
        }

        @Override
        public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
            return d.getHandshakeApplicationProtocolSelector();
        }
    }
}
