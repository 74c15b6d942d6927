package dev.iotjwt.testsupport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iotjwt.testsupport.net.TestPki.Issued;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves that each loopback test server does what it claims, with plain JSSE and socket clients. */
class TestServersTest {
    private static final String HOST = "mqtt.example.test";
    private static final Duration WAIT = Duration.ofSeconds(3);

    private static TestPki root;
    private static TestPki intermediate;
    private static Issued leaf;

    @BeforeAll
    static void pki() {
        root = TestPki.ecRoot("Test Root");
        intermediate = root.intermediate("Test Intermediate");
        leaf = intermediate.leaf(HOST, "127.0.0.1");
    }

    @Test
    void pkiBuildsAChainThatPkixAccepts() throws Exception {
        assertThat(leaf.chain()).containsExactly(leaf.cert(), intermediate.certificate());
        assertThat(leaf.leafOnly().chain()).containsExactly(leaf.cert());
        assertThat(leaf.cert().getSubjectAlternativeNames())
                .containsExactly(List.of(2, HOST), List.of(7, "127.0.0.1"));
        assertThat(leaf.cert().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(root.root().getBasicConstraints()).isGreaterThanOrEqualTo(0);

        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root.root(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(leaf.chain()), params);

        assertThat(TestPki.expiredRoot("Old").root().getNotAfter().toInstant())
                .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(((ECPublicKey) root.leafP384("p384.example.test").cert().getPublicKey()).getParams().getOrder().bitLength())
                .isEqualTo(384);
    }

    @Test
    void writesParseablePem(@TempDir Path dir) throws Exception {
        Path file = TestPki.writePem(dir.resolve("chain.pem"), leaf.chain().toArray(new X509Certificate[0]));
        root.writeRootPem(dir.resolve("root.pem"));
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            assertThat(List.copyOf(certs)).isEqualTo(leaf.chain());
        }
        assertThat(Files.readString(dir.resolve("root.pem"))).startsWith("-----BEGIN CERTIFICATE-----\n");
    }

    @Test
    void handshakeVerifiesChainAndHostName() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).mqtt(MqttMode.NONE).start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            client.startHandshake();
            assertThat(client.getSession().getPeerCertificates()).hasSize(2);
            assertThat(server.awaitHandshakes(1, WAIT)).singleElement()
                    .satisfies(h -> assertThat(h.sni()).isEqualTo(HOST))
                    .satisfies(h -> assertThat(h.completed()).isTrue());
            assertThat(server.acceptedConnections()).isEqualTo(1);
            assertThat(server.completedHandshakes()).isEqualTo(1);
        }
    }

    @Test
    void wrongRootFailsPkix() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).start();
             SSLSocket client = client(trusting(TestPki.ecRoot("Other").root()), server.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("PKIX path building failed");
            // usually "Received fatal alert: certificate_unknown", sometimes "Broken pipe": the race is real
            assertThat(server.awaitHandshakes(1, WAIT)).singleElement()
                    .satisfies(h -> assertThat(h.completed()).isFalse())
                    .satisfies(h -> assertThat(h.failure()).isNotNull());
            assertThat(server.connects()).isEmpty();
        }
    }

    @Test
    void noSniGetsTheDefaultChainAndSniGetsItsOwn() throws Exception {
        Issued placeholder = root.leaf("invalid2.invalid");
        Issued direct = root.leaf(HOST);
        try (TlsTestServer server = new TlsTestServer().chain(placeholder).sniChain(HOST, direct)
                .mqtt(MqttMode.NONE).start()) {
            SSLContext trust = trusting(root.root());
            try (SSLSocket noSni = client(trust, server.port(), null, false)) {
                noSni.startHandshake();
                assertThat(noSni.getSession().getPeerCertificates()[0]).isEqualTo(placeholder.cert());
            }
            try (SSLSocket withSni = client(trust, server.port(), HOST, true)) {
                withSni.startHandshake();
                assertThat(withSni.getSession().getPeerCertificates()[0]).isEqualTo(direct.cert());
            }
            assertThat(server.awaitHandshakes(2, WAIT)).extracting(TlsTestServer.Handshake::sni)
                    .containsExactly(null, HOST);
        }
    }

    @Test
    void requireSniRejectsAnotherName() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).requireSni(HOST).start();
             SSLSocket client = client(trusting(root.root()), server.port(), "mqtt.googleapis.com", false)) {
            assertThatThrownBy(client::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("unrecognized_name");
            assertThat(server.awaitHandshakes(1, WAIT)).singleElement()
                    .satisfies(h -> assertThat(h.sni()).isEqualTo("mqtt.googleapis.com"));
        }
    }

    @Test
    void tls13OnlyServerRefusesATls12Client() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).protocols("TLSv1.3").start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            client.setEnabledProtocols(new String[] {"TLSv1.2"});
            assertThatThrownBy(client::startHandshake).hasMessageContaining("protocol_version");
        }
    }

    @Test
    void connackCodeAnswersAndRecordsTheConnect() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).mqtt(MqttMode.connack(5)).start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            client.getOutputStream().write(connect("projects/p/locations/us-central1/registries/r/devices/d",
                    "unused", "a.b.c"));
            assertThat(readN(client.getInputStream(), 4)).containsExactly(0x20, 0x02, 0x00, 0x05);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(server.connects()).singleElement().isEqualTo(new ConnectPacket(4, "MQTT",
                    "projects/p/locations/us-central1/registries/r/devices/d", "unused", "a.b.c", true, 60, HOST));
        }
    }

    @Test
    void acceptedSessionAnswersSubscribePublishAndPing() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(connect("dev", "unused", "jwt"));
            assertThat(readN(in, 4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            out.write(subscribe(7, "/devices/dev/config", 1));
            assertThat(readN(in, 5)).containsExactly(0x90, 0x03, 0x00, 0x07, 0x01);
            out.write(publish(9, "/devices/dev/events", "hi"));
            assertThat(readN(in, 4)).containsExactly(0x40, 0x02, 0x00, 0x09);
            out.write(new byte[] {(byte) 0xC0, 0x00});
            assertThat(readN(in, 2)).containsExactly(0xD0, 0x00);
            out.write(new byte[] {(byte) 0xE0, 0x00});
            assertThat(in.read()).isEqualTo(-1);
            assertThat(server.subscriptions()).containsExactly("/devices/dev/config");
            assertThat(server.publishes()).containsExactly(new PublishPacket("/devices/dev/events", 1, "hi"));
        }
    }

    @Test
    void subackCanRefuse() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).subackCode(0x80).start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            client.getOutputStream().write(connect("dev", null, null));
            readN(client.getInputStream(), 4);
            client.getOutputStream().write(subscribe(1, "/devices/dev/commands/#", 1));
            assertThat(readN(client.getInputStream(), 5)).endsWith(0x80);
        }
    }

    @Test
    void closeSilentAndCloseAfterModes() throws Exception {
        SSLContext trust = trusting(root.root());
        try (TlsTestServer close = new TlsTestServer().chain(leaf).mqtt(MqttMode.CLOSE).start();
             SSLSocket client = client(trust, close.port(), HOST, true)) {
            client.getOutputStream().write(connect("dev", "u", "p"));
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(close.connects()).hasSize(1);
        }
        try (TlsTestServer silent = new TlsTestServer().chain(leaf).mqtt(MqttMode.SILENT).start();
             SSLSocket client = client(trust, silent.port(), HOST, true)) {
            client.setSoTimeout(300);
            client.getOutputStream().write(connect("dev", "u", "p"));
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(silent.awaitConnects(1, WAIT)).hasSize(1);
        }
        try (TlsTestServer drop = new TlsTestServer().chain(leaf).mqtt(MqttMode.closeAfter(Duration.ofMillis(300)))
                .start();
             SSLSocket client = client(trust, drop.port(), HOST, true)) {
            client.getOutputStream().write(connect("dev", "u", "p"));
            assertThat(readN(client.getInputStream(), 4)).containsExactly(0x20, 0x02, 0x00, 0x00);
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void clientAuthIsDemanded() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).needClientAuth().start();
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            assertThatThrownBy(() -> {
                client.startHandshake(); // TLS 1.3: the client finishes first; the alert comes with the next read
                client.getInputStream().read();
            }).isInstanceOf(SSLException.class).hasMessageContaining("Received fatal alert");
        }
    }

    @Test
    void httpReplyIsNotTls() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.HTTP_REPLY);
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).isInstanceOf(SSLException.class)
                    .hasMessageContaining("Unsupported or unrecognized SSL message");
            assertThat(server.received()).singleElement().satisfies(hello -> assertThat(hello[0]).isEqualTo((byte) 0x16));
        }
    }

    @Test
    void alertIsDelivered() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.alert(70));
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).isInstanceOf(SSLException.class)
                    .hasMessageContaining("Received fatal alert: protocol_version");
        }
    }

    @Test
    void finAndResetAfterHello() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.CLOSE_AFTER_HELLO);
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("Remote host terminated the handshake");
        }
        try (RawTestServer server = RawTestServer.start(RawMode.RESET_AFTER_HELLO);
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).hasMessageContaining("Connection reset");
        }
    }

    @Test
    void closeAfterDropsTheTcpConnectionAfterTheDelay() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.closeAfter(Duration.ofMillis(500)));
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(Loopback.loopback(), server.port()), 1000);
            client.setSoTimeout(5000);
            client.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x01, 0x01});
            long start = System.nanoTime();
            assertThat(client.getInputStream().read()).as("FIN, no byte").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(300));
        }
    }

    @Test
    void cuttingProxyForwardsPartOfTheHandshakeThenResets() throws Exception {
        try (TlsTestServer server = new TlsTestServer().chain(leaf).start();
             CuttingProxy proxy = CuttingProxy.start(server.port(), 200);
             SSLSocket client = client(trusting(root.root()), proxy.port(), HOST, true)) {
            assertThatThrownBy(client::startHandshake).hasMessageContaining("Connection reset");
            assertThat(proxy.forwarded()).containsExactly(200);
        }
    }

    @Test
    void longChainsAndLargeCertificatesAreReallySigned() throws Exception {
        TestPki.LongChain chain = TestPki.longChain(100, Instant.now(), HOST);
        assertThat(chain.issued().chain()).hasSize(100).endsWith(chain.root());
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain.root(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(chain.issued().chain().subList(0, 99)), params);
        X509Certificate big = root.leafWithFiller(1 << 20, HOST).cert();
        assertThat(big.getEncoded().length).isBetween(1 << 20, (1 << 20) + 2048);
    }

    @Test
    void replyModeAnswersConnectWithRawBytes() throws Exception {
        SSLContext trust = trusting(root.root());
        try (TlsTestServer server = new TlsTestServer().chain(leaf)
                .mqtt(MqttMode.reply("a SUBACK", new byte[] {(byte) 0x90, 0x03, 0x00, 0x01, 0x00})).start();
             SSLSocket client = client(trust, server.port(), HOST, true)) {
            client.setSoTimeout(300);
            client.getOutputStream().write(connect("dev", "u", "p"));
            assertThat(readN(client.getInputStream(), 5)).containsExactly(0x90, 0x03, 0x00, 0x01, 0x00);
            assertThatThrownBy(() -> client.getInputStream().read()).as("then silence")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        try (TlsTestServer server = new TlsTestServer().chain(leaf)
                .mqtt(MqttMode.replyAndClose("half a CONNACK", new byte[] {0x20, 0x02})).start();
             SSLSocket client = client(trust, server.port(), HOST, true)) {
            client.getOutputStream().write(connect("dev", "u", "p"));
            assertThat(readN(client.getInputStream(), 2)).containsExactly(0x20, 0x02);
            assertThat(client.getInputStream().read()).as("then close").isEqualTo(-1);
        }
    }

    @Test
    void silentServerTimesOutTheHandshake() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.SILENT);
             SSLSocket client = client(trusting(root.root()), server.port(), HOST, true)) {
            client.setSoTimeout(300);
            assertThatThrownBy(client::startHandshake).isInstanceOf(SocketTimeoutException.class);
            assertThat(server.acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void trickleSendsARecordHeaderSlowly() throws Exception {
        try (RawTestServer server = RawTestServer.start(RawMode.ONE_BYTE_PER_SECOND);
             Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 1000);
            raw.setSoTimeout(3000);
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x01, 0x01});
            assertThat(readN(raw.getInputStream(), 2)).containsExactly(0x16, 0x03);
        }
    }

    @Test
    void unusedPortRefuses() {
        int port = RawTestServer.unusedPort();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
    }

    @Test
    void fullBacklogDropsSyns() {
        try (RawTestServer server = RawTestServer.start(RawMode.FULL_BACKLOG)) {
            assumeTrue(server.backlogFull(), "accept-queue overflow drops SYNs only on Linux");
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 300);
                }
            }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("timed out");
        }
    }

    // ---- clients and hand-written MQTT packets ----

    private static SSLContext trusting(X509Certificate... roots) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < roots.length; i++) {
            store.setCertificateEntry("root" + i, roots[i]);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A client on 127.0.0.1 that sends {@code sni} (none when null) and optionally checks the host name. */
    private static SSLSocket client(SSLContext context, int port, String sni, boolean verifyHost) throws IOException {
        Socket raw = new Socket();
        raw.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        raw.setSoTimeout(3000);
        SSLSocket tls = (SSLSocket) context.getSocketFactory()
                .createSocket(raw, sni == null ? "127.0.0.1" : sni, port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        if (verifyHost) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        tls.setSSLParameters(params);
        return tls;
    }

    private static int[] readN(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(in).readFully(b);
        int[] unsigned = new int[n];
        for (int i = 0; i < n; i++) {
            unsigned[i] = b[i] & 0xFF;
        }
        return unsigned;
    }

    /** MQTT 3.1.1 CONNECT, clean session, keep-alive 60, written out by hand. */
    private static byte[] connect(String clientId, String username, String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4);
        body.write(0x02 | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0));
        body.write(0);
        body.write(60);
        string(body, clientId);
        if (username != null) {
            string(body, username);
        }
        if (password != null) {
            string(body, password);
        }
        return packet(0x10, body.toByteArray());
    }

    private static byte[] subscribe(int id, String topic, int qos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(id >> 8);
        body.write(id);
        string(body, topic);
        body.write(qos);
        return packet(0x82, body.toByteArray());
    }

    private static byte[] publish(int id, String topic, String payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        body.write(id >> 8);
        body.write(id);
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        return packet(0x32, body.toByteArray());
    }

    private static byte[] packet(int header, byte[] body) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            p.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        p.writeBytes(body);
        return p.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
    }
}
