package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A network scripted by the test: what names resolve to, which addresses refuse or drop TCP, what a handshake with
 * given settings yields, and the MQTT clients handed out in turn. It records every call, and each handshake may take
 * time off a {@link FakeTime}.
 */
final class FakeNetwork implements Network {
    final Map<String, List<InetAddress>> names = new HashMap<>();
    final Map<InetSocketAddress, IOException> tcpFailures = new HashMap<>();
    Function<TlsSettings, TlsProbe.Result> tls = s -> handshakeOk(List.of());
    final Deque<FakeLink> links = new ArrayDeque<>();
    final List<String> calls = new ArrayList<>();
    final List<TlsSettings> handshakes = new ArrayList<>();
    final List<Duration> handshakeBounds = new ArrayList<>();
    FakeTime time;
    Duration handshakeTakes = Duration.ZERO;
    boolean dnsTimesOut;

    @Override
    public List<InetAddress> resolve(String host, Duration timeout) throws UnknownHostException, TimeoutException {
        calls.add("resolve " + host);
        if (dnsTimesOut) {
            throw new TimeoutException();
        }
        List<InetAddress> a = names.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    }

    @Override
    public void connect(InetSocketAddress address, Duration timeout) throws IOException {
        calls.add("tcp " + address.getAddress().getHostAddress() + ":" + address.getPort());
        IOException e = tcpFailures.get(address);
        if (e != null) {
            throw e;
        }
    }

    @Override
    public TlsProbe.Result handshake(List<X509Certificate> roots, InetSocketAddress address, String host,
                                     TlsSettings settings, Duration timeout, boolean keepOpen) {
        calls.add("tls " + (keepOpen ? "kept " : "") + "sni=" + settings.sni() + " versions=" + settings.protocols());
        handshakes.add(settings);
        handshakeBounds.add(timeout);
        if (time != null) {
            time.advance(handshakeTakes);
        }
        return tls.apply(settings);
    }

    @Override
    public MqttLink mqtt() {
        calls.add("mqtt client");
        FakeLink l = links.pollFirst();
        if (l == null) {
            throw new AssertionError("no MQTT client scripted");
        }
        return l;
    }

    static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static TlsProbe.Result handshakeOk(List<X509Certificate> chain) {
        return handshakeOk("TLSv1.3", "TLS_AES_128_GCM_SHA256", chain);
    }

    static TlsProbe.Result handshakeOk(String protocol, String suite, List<X509Certificate> chain) {
        return new TlsProbe.Result(true, true, protocol, suite, chain, null, null, 1, null);
    }

    /** The server's certificate arrived, then the chain was refused. */
    static TlsProbe.Result refused(List<X509Certificate> chain, String why) {
        Exception refusal = new java.security.cert.CertificateException(why);
        return new TlsProbe.Result(false, true, "TLSv1.3", "TLS_AES_128_GCM_SHA256", chain, refusal,
                new SSLHandshakeException(why), 1, null);
    }

    /** The server ended the handshake with an alert before any certificate. */
    static TlsProbe.Result alert(String alert) {
        return new TlsProbe.Result(false, false, null, null, List.of(), null,
                new SSLHandshakeException("Received fatal alert: " + alert), 1, null);
    }

    /** The server dropped the connection before any certificate. */
    static TlsProbe.Result closed() {
        return new TlsProbe.Result(false, false, null, null, List.of(), null,
                (Exception) new SSLHandshakeException("Remote host terminated the handshake")
                        .initCause(new java.io.EOFException()), 1, null);
    }

    /** An MQTT client whose CONNECT outcomes, PUBACKs and drops the test scripts. */
    static final class FakeLink implements MqttLink {
        final Deque<PahoConnector.ConnectOutcome> outcomes = new ArrayDeque<>();
        PahoConnector.SessionOutcome session = new PahoConnector.SessionOutcome(Map.of(), List.of());
        final List<Dial> dials = new ArrayList<>();
        final List<String> tokens = new ArrayList<>();
        final List<String> published = new ArrayList<>();
        final List<String> subscribed = new ArrayList<>();
        /** Publishes acknowledged before the connection drops; negative: never drops. */
        int pubacksBeforeDrop = -1;
        Throwable lost;
        boolean closed;

        FakeLink accepting() {
            outcomes.add(new PahoConnector.ConnectOutcome(true, 0, null));
            return this;
        }

        FakeLink refusing(int code, String finding) {
            outcomes.add(new PahoConnector.ConnectOutcome(false, code, Finding.error(finding, "refused " + code,
                    null)));
            return this;
        }

        @Override
        public PahoConnector.ConnectOutcome connect(Dial dial, String clientId, String username, String token) {
            dials.add(dial);
            tokens.add(token);
            PahoConnector.ConnectOutcome o = outcomes.pollFirst();
            if (o == null) {
                throw new AssertionError("no CONNECT outcome scripted");
            }
            return o;
        }

        @Override
        public PahoConnector.SessionOutcome session(String publishTopic, String payload, String subscribeTopic,
                                                    Duration wait, Duration timeout) {
            if (subscribeTopic != null) {
                subscribed.add(subscribeTopic);
            }
            if (publishTopic != null) {
                published.add(payload);
            }
            return session;
        }

        @Override
        public boolean publish(String topic, byte[] payload) {
            if (lost != null) {
                return false;
            }
            if (pubacksBeforeDrop == 0) {
                lost = new java.io.EOFException();
                return false;
            }
            if (pubacksBeforeDrop > 0) {
                pubacksBeforeDrop--;
            }
            published.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public Throwable lost() {
            return lost;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Facts of a session outcome, in order. */
    static Map<String, String> facts(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
