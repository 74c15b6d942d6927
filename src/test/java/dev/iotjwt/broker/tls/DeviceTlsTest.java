package dev.iotjwt.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iotjwt.broker.tls.HandshakeObservation.FirstBytes;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.testsupport.net.TestPki;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real clients (the JDK's SSLSocket, openssl s_client, raw sockets) against the bridge's {@link TlsStage} on
 * 127.0.0.1, on both providers ({@code true}: BoringSSL, {@code false}: the JDK engine); each case asserts the
 * finding code of the device's report and that the channel got exactly one observation.
 */
class DeviceTlsTest {
    private static final String NAME = "bridge.test";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final BridgeTls.Offer ANY = new BridgeTls.Offer(List.of(), List.of(), List.of(), List.of());
    /** Only P-256 and one TLS 1.2 suite: what a strict front end takes. */
    private static final BridgeTls.Offer STRICT = new BridgeTls.Offer(List.of("TLSv1.3", "TLSv1.2"),
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"),
            List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), List.of("secp256r1"));

    @TempDir
    static Path dir;
    private static TestPki root;
    private static TestPki.Issued leaf;
    private static TestPki.Issued placeholder;
    private static Path caFile;
    private static Path wrongCaFile;
    private static SSLContext trusting;
    private static SSLContext trustingOther;

    @BeforeAll
    static void pki() throws Exception {
        // live clients check validity against the real clock, so the PKI is relative to it, not Fixtures.NOW
        Instant now = Instant.now();
        root = TestPki.ecRoot("Bridge Test Root", now);
        leaf = root.leaf(NAME, "127.0.0.1");
        TestPki other = TestPki.ecRoot("Some Other Root", now);
        placeholder = other.leaf("invalid2.invalid");
        caFile = root.writeRootPem(dir.resolve("bridge-ca.pem"));
        wrongCaFile = other.writeRootPem(dir.resolve("wrong-ca.pem"));
        trusting = Clients.trusting(root.root());
        trustingOther = Clients.trusting(other.root());
    }

    private static BridgeTls bridge(boolean nativeTls, boolean requireSni, BridgeTls.Offer offer) throws Exception {
        if (nativeTls) {
            assumeTrue(OpenSsl.isAvailable(), "BoringSSL does not load here");
        }
        BridgeTls tls = BridgeTls.create(leaf.chain(), leaf.key(), placeholder.cert(), placeholder.key(),
                List.of(NAME), requireSni, offer, nativeTls, caFile);
        assertThat(tls.provider()).isEqualTo(nativeTls ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK);
        return tls;
    }

    /** Runs the client against a fresh server and returns the device's tls step. */
    private static Result run(BridgeTls tls, Duration timeout, Client client) throws Exception {
        try (StageServer server = new StageServer(tls, timeout)) {
            client.run(server.port());
            HandshakeObservation o = server.next();
            assertThat(server.observationsOfClosedChannel()).as("observations of the channel").isEqualTo(1);
            return new Result(o, DeviceTlsReport.step(o, tls.server()));
        }
    }

    private record Result(HandshakeObservation o, StepResult step) {
        List<String> codes() {
            return step.findings().stream().map(Finding::code).toList();
        }
    }

    @FunctionalInterface
    private interface Client {
        void run(int port) throws Exception;
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void tls13WithSniPasses(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trusting, port, NAME, "TLSv1.3", null)).isNull());
        assertThat(r.o().ok()).isTrue();
        assertThat(r.o().protocol()).isEqualTo("TLSv1.3");
        assertThat(r.o().cipherSuite()).startsWith("TLS_AES_");
        assertThat(r.o().served()).isEqualTo(NAME);
        assertThat(r.o().hello().sni()).isEqualTo(NAME);
        assertThat(r.step().status()).isEqualTo(Status.PASS);
        assertThat(r.step().facts()).containsKeys("SNI", "offered versions", "offered suites", "groups",
                "signature algorithms", "ALPN", "max_fragment_length", "version", "suite");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void tls12WithSniPasses(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trusting, port, NAME, "TLSv1.2", null)).isNull());
        assertThat(r.o().ok()).isTrue();
        assertThat(r.o().protocol()).isEqualTo("TLSv1.2");
        assertThat(r.o().cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_");
        // the JDK's 1.2-only client still sends supported_versions, with 1.2 alone
        assertThat(r.o().hello().versionNames()).containsExactly("TLSv1.2");
        assertThat(r.step().status()).isEqualTo(Status.PASS);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void noSniIsAWarningWhenNotRequired(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, false, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trusting, port, null, null, null)).isNull());
        assertThat(r.o().ok()).isTrue();
        assertThat(r.codes()).containsExactly("device.tls.no-sni");
        assertThat(r.step().status()).isEqualTo(Status.WARN);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void noSniGetsThePlaceholderWhenRequired(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trusting, port, null, "TLSv1.2", null)).isNotNull());
        assertThat(r.o().served()).isEqualTo("placeholder");
        assertThat(r.codes()).contains("device.tls.no-sni", "device.tls.untrusted-server");
        assertThat(r.step().findings().get(0).severity()).isEqualTo(dev.iotjwt.diagnose.Severity.ERROR);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void unknownSniIsRefusedWithUnrecognizedName(boolean nativeTls) throws Exception {
        Exception[] client = new Exception[1];
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> client[0] = Clients.jdk(trusting, port, "other.test", null, null));
        assertThat(client[0]).hasMessageContaining("unrecognized_name");
        assertThat(r.o().refusedSni()).isTrue();
        assertThat(r.codes()).containsExactly("device.tls.unknown-sni");
        assertThat(r.step().status()).isEqualTo(Status.FAIL);
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void jdkDeviceNotTrustingTheCaTls12(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trustingOther, port, NAME, "TLSv1.2", null)).isNotNull());
        assertThat(r.codes()).containsExactly("device.tls.untrusted-server");
        assertThat(r.step().findings().get(0).hint()).contains(caFile.toString());
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void jdkDeviceNotTrustingTheCaTls13(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.jdk(trustingOther, port, NAME, "TLSv1.3", null)).isNotNull());
        assertThat(r.codes()).as(r.o().toString()).containsExactly("device.tls.untrusted-server");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void opensslNotTrustingTheCaTls12(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> Clients.openssl(port, "-tls1_2",
                "-servername", NAME, "-CAfile", wrongCaFile.toString(), "-verify_return_error"));
        assertThat(r.codes()).as(r.o().toString()).containsExactly("device.tls.untrusted-server");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void opensslNotTrustingTheCaTls13(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> Clients.openssl(port, "-tls1_3",
                "-servername", NAME, "-CAfile", wrongCaFile.toString(), "-verify_return_error"));
        assertThat(r.codes()).as(r.o().toString()).containsExactly("device.tls.untrusted-server");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void suiteTheBridgeDoesNotTake(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, STRICT), TIMEOUT, port -> assertThat(Clients.jdk(trusting, port, NAME,
                "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")).isNotNull());
        assertThat(r.codes()).as(r.o().toString()).containsExactly("device.tls.weak-offer",
                "device.tls.no-common-cipher");
        assertThat(r.step().findings().get(1).message()).contains("TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void tls11OnlyDevice(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> Clients.openssl(port, "-tls1_1",
                "-cipher", "DEFAULT:@SECLEVEL=0", "-servername", NAME));
        assertThat(r.codes()).as(r.o().toString()).contains("device.tls.protocol-version");
        assertThat(r.o().hello().versionNames()).containsExactly("TLSv1.1");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void tls12DeviceWithoutP256(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> Clients.openssl(port, "-tls1_2",
                "-groups", "X25519", "-servername", NAME, "-CAfile", caFile.toString()));
        assertThat(r.o().ok()).isFalse();
        assertThat(r.codes()).as(r.o().toString()).contains("device.tls.no-common-group");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true})
    void x25519OnlyDeviceAgainstP256OnlyBridge(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, STRICT), TIMEOUT, port -> Clients.openssl(port, "-tls1_3",
                "-groups", "X25519", "-servername", NAME, "-CAfile", caFile.toString()));
        assertThat(r.codes()).as(r.o().toString()).containsExactly("device.tls.no-common-group");
        assertThat(r.step().findings().get(0).message()).contains("x25519", "secp256r1");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void maxFragmentLengthIsAWarning(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> Clients.openssl(port, "-tls1_2",
                "-maxfraglen", "512", "-servername", NAME, "-CAfile", caFile.toString()));
        assertThat(r.o().hello().maxFragmentLength()).isEqualTo(1);
        assertThat(r.codes()).as(r.o().toString()).contains("device.tls.max-fragment-length");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void opensslWithoutSniAndWithUnknownSni(boolean nativeTls) throws Exception {
        BridgeTls tls = bridge(nativeTls, true, ANY);
        Result none = run(tls, TIMEOUT, port -> Clients.openssl(port, "-noservername", "-CAfile",
                caFile.toString(), "-verify_return_error"));
        assertThat(none.codes()).contains("device.tls.no-sni", "device.tls.untrusted-server");
        Result unknown = run(tls, TIMEOUT, port -> Clients.openssl(port, "-servername", "nobody.test"));
        assertThat(unknown.codes()).containsExactly("device.tls.unknown-sni");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void plainMqttOnTheTlsPort(boolean nativeTls) throws Exception {
        byte[] connect = {0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x04, 'd', 'e',
                'v', '1'};
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> assertThat(Clients.raw(port, connect)).isEmpty());
        assertThat(r.o().firstBytes()).isEqualTo(FirstBytes.MQTT);
        assertThat(r.o().firstBytesSample()).startsWith("\\x10\\x10\\x00\\x04MQTT");
        assertThat(r.codes()).containsExactly("device.not-tls");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void httpClient(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> Clients.raw(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(r.o().firstBytes()).isEqualTo(FirstBytes.HTTP);
        assertThat(r.codes()).containsExactly("device.http");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void connectThenClose(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT, port -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
        });
        assertThat(r.o().firstBytes()).isEqualTo(FirstBytes.NONE);
        assertThat(r.o().timedOut()).isFalse();
        assertThat(r.codes()).containsExactly("device.tls.closed");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void silentDeviceTimesOut(boolean nativeTls) throws Exception {
        Result r = run(bridge(nativeTls, true, ANY), Duration.ofMillis(400), port -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(3000);
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        });
        assertThat(r.o().timedOut()).isTrue();
        assertThat(r.o().millis()).isBetween(350L, 3000L);
        assertThat(r.codes()).containsExactly("device.tls.timeout");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void deviceStalledAfterItsHelloTimesOut(boolean nativeTls) throws Exception {
        byte[] hello = Clients.jdkClientHello(NAME, "TLSv1.3", "TLSv1.2");
        Result r = run(bridge(nativeTls, true, ANY), Duration.ofMillis(400), port -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(3000);
                s.getOutputStream().write(hello);
                s.getInputStream().readAllBytes();
            }
        });
        assertThat(r.o().timedOut()).isTrue();
        assertThat(r.o().hello()).isNotNull();
        assertThat(r.o().bytesToDevice()).isPositive();
        assertThat(r.codes()).containsExactly("device.tls.timeout");
    }

    @ParameterizedTest(name = "native={0}")
    @ValueSource(booleans = {true, false})
    void deviceClosesRightAfterTheCertificateFlight(boolean nativeTls) throws Exception {
        byte[] hello = Clients.jdkClientHello(NAME, "TLSv1.3", "TLSv1.2");
        Result r = run(bridge(nativeTls, true, ANY), TIMEOUT,
                port -> assertThat(Clients.helloThenClose(port, hello, 300)).isGreaterThanOrEqualTo(300));
        assertThat(r.o().recordsAfterHello()).isEmpty();
        assertThat(r.o().bytesToDevice()).isGreaterThanOrEqualTo(300);
        assertThat(r.codes()).containsExactly("device.tls.closed");
        assertThat(r.step().findings().get(0).hint()).contains("cannot verify the certificate");
    }
}
