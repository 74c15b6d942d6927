package dev.iotjwt.broker;

import dev.iotjwt.broker.tls.TlsProfile;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS 1.2 client that asks to renegotiate after the handshake (openssl s_client's "R" command) is refused by the
 * bridge on both TLS providers: BoringSSL with alert no_renegotiation, the JDK's engine (the bridge turns on
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}) with a fatal alert; the connection does not go on
 * renegotiated.
 */
@Timeout(60)
class RenegotiationTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "native TLS: {0}")
    @ValueSource(booleans = {true, false})
    void aClientInitiatedRenegotiationIsRefused(boolean nativeTls) throws Exception {
        Assumptions.assumeTrue(openssl(), "openssl is not installed");
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), null));
        BrokerSettings settings = new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost"),
                false, false, java.time.Duration.ofMinutes(10), Fixtures.CLOCK).withTls(TlsProfile.DEFAULT, nativeTls);
        try (LocalBroker broker = LocalBroker.start(settings, new dev.iotjwt.testsupport.RecordingListener())) {
            assertThat(broker.tlsProvider()).isEqualTo(nativeTls ? "BoringSSL" : "JDK");
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + broker.port(),
                    "-servername", "localhost", "-tls1_2", "-CAfile", broker.pki().caFile().toString())
                    .redirectErrorStream(true).start();
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            Thread reader = new Thread(() -> copy(p.getInputStream(), seen));
            reader.start();
            try (OutputStream in = p.getOutputStream()) {
                waitFor(seen, "Verify return code: 0 (ok)");
                in.write("R\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
                waitFor(seen, "RENEGOTIATING");
                Thread.sleep(1000);
            } catch (IOException closed) {
                // the bridge ended the connection while s_client read its command: what is asserted below
            }
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            reader.join(5000);
            String out = seen.toString(StandardCharsets.UTF_8);
            assertThat(out).contains("Verify return code: 0 (ok)").contains("RENEGOTIATING");
            assertThat(out).as(out).containsAnyOf("alert no renegotiation", "alert handshake failure");
        }
    }

    private static void waitFor(ByteArrayOutputStream seen, String text) throws InterruptedException {
        for (int i = 0; i < 200 && !seen.toString(StandardCharsets.UTF_8).contains(text); i++) {
            Thread.sleep(25);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] b = new byte[4096];
        try {
            for (int n; (n = in.read(b)) > 0; ) {
                synchronized (out) {
                    out.write(b, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static boolean openssl() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
