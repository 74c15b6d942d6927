package dev.iotjwt.broker;

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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A TLS 1.2 client that asks to renegotiate after the handshake (openssl s_client's "R" command) is refused by the
 * real {@code broker} command on both TLS providers: BoringSSL with alert no_renegotiation, the JDK's engine (the bridge turns on
 * {@code jdk.tls.rejectClientInitiatedRenegotiation}) with a fatal alert; the connection does not go on
 * renegotiated.
 */
@Timeout(60)
class RenegotiationTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "--tls-provider {0}")
    @ValueSource(strings = {"boringssl", "jdk"})
    void aClientInitiatedRenegotiationIsRefused(String provider) throws Exception {
        Assumptions.assumeTrue(openssl(), "openssl is not installed");
        // the real command in a JVM of its own: the JDK engine reads its renegotiation switch once per process, when
        // its first server handshake runs, which in this test JVM other tests' servers did long before
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path state = dir.resolve("state-" + provider);
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.iotjwt.Main", "broker", "--device",
                "dev-ec=" + Fixtures.key("p256_public.pem"), "--port", String.valueOf(port), "--state-dir",
                state.toString(), "--tls-provider", provider, "--stop-after", "40s")
                .redirectErrorStream(true).redirectOutput(dir.resolve("broker-" + provider + ".log").toFile()).start();
        try {
            Path ca = state.resolve("ca.pem");
            for (int i = 0; i < 400 && !listening(port); i++) {
                Thread.sleep(50);
            }
            assertThat(listening(port)).as("the broker listens").isTrue();
            Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                    "-servername", "localhost", "-tls1_2", "-CAfile", ca.toString())
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
            String out;
            synchronized (seen) {
                out = seen.toString(StandardCharsets.UTF_8);
            }
            assertThat(out).contains("Verify return code: 0 (ok)").contains("RENEGOTIATING");
            assertThat(out).as(out).containsAnyOf("alert no renegotiation", "alert handshake failure");
            assertThat(java.nio.file.Files.readString(dir.resolve("broker-" + provider + ".log")))
                    .contains(provider.equals("jdk") ? "tls       JDK" : "tls       BoringSSL");
        } finally {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
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
