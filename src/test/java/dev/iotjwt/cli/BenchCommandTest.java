package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt bench} against the local broker: a small fleet, its own keys, measured; failures by code. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void aFleetConnectsPublishesAndIsMeasured() throws Exception {
        Path fleet = dir.resolve("fleet");
        CliRun prep = CliRun.run("bench", "--prepare", fleet.toString(), "--devices", "12");
        assertThat(prep.exitCode()).as(prep.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.resolve("keys.jsonl"))))
                .isEqualTo("rw-------");
        Registry registry = Registry.load(fleet.resolve("registry.json"));
        assertThat(registry.devices()).hasSize(12);
        AtomicInteger published = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        try (LocalBroker broker = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, true, Duration.ofMinutes(10), Fixtures.CLOCK), new BrokerListener() {
                    @Override
                    public void event(Event e) {
                        if (e.kind().equals("accepted")) {
                            accepted.incrementAndGet();
                        }
                    }

                    @Override
                    public void message(Message m) {
                        published.incrementAndGet();
                    }
                })) {
            String ca = broker.pki().caFile().toString();
            CliRun r = CliRun.run("bench", "--keys", fleet.toString(), "--port", String.valueOf(broker.port()), "--ca",
                    ca, "--concurrency", "4", "--publish-rate", "4", "--duration", "1s", "--format", "json");
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
            assertThat(o.get("connected").getAsInt()).isEqualTo(12);
            assertThat(o.get("heldAtEnd").getAsInt()).isEqualTo(12);
            assertThat(o.get("published").getAsLong()).isGreaterThanOrEqualTo(12);
            assertThat(o.getAsJsonObject("connect").get("p50").getAsDouble()).isPositive();
            assertThat(accepted.get()).isEqualTo(12);
            for (int i = 0; i < 100 && published.get() < o.get("published").getAsLong(); i++) {
                Thread.sleep(20);
            }
            assertThat((long) published.get()).isEqualTo(o.get("published").getAsLong());

            CliRun refused = CliRun.run(Map.of("PW", "not-a-token"), "bench", "--keys", fleet.toString(), "--port",
                    String.valueOf(broker.port()), "--ca", ca, "--duration", "0s", "--password-env", "PW");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.out()).contains("0 of 12 devices connected")
                    .contains("failed: 12 × mqtt.connack.not-authorized");
            assertThat(refused.err()).doesNotContain("warning");

            // the fleet's keys opened to others: every device's private key is readable, and said so
            Files.setPosixFilePermissions(fleet.resolve("keys.jsonl"), PosixFilePermissions.fromString("rw-r--r--"));
            CliRun open = CliRun.run(Map.of("PW", "not-a-token"), "bench", "--keys", fleet.toString(), "--port",
                    String.valueOf(broker.port()), "--ca", ca, "--duration", "0s", "--password-env", "PW");
            assertThat(open.err()).contains("keys.jsonl: private key file is open to group or others (mode"
                    + " 0644)").contains("sign as any device of the fleet").contains("hint: chmod 600");
            Files.setPosixFilePermissions(fleet.resolve("keys.jsonl"), PosixFilePermissions.fromString("rw-------"));

            // failures carry the contract's finding codes, the ones connect gives for the same fault
            Path otherCa = dev.iotjwt.testsupport.net.TestPki.ecRoot("Other Root", Fixtures.NOW)
                    .writeRootPem(dir.resolve("other-ca.pem"));
            CliRun untrusted = CliRun.run("bench", "--keys", fleet.toString(), "--port", String.valueOf(broker.port()),
                    "--ca", otherCa.toString(), "--duration", "0s", "--format", "json");
            assertThat(untrusted.exitCode()).isEqualTo(1);
            assertThat(JsonParser.parseString(untrusted.out()).getAsJsonObject().getAsJsonObject("failures")
                    .keySet()).containsExactly("trust.unknown-ca");
        }
        CliRun down = CliRun.run("bench", "--keys", fleet.toString(), "--port",
                String.valueOf(dev.iotjwt.testsupport.net.RawTestServer.unusedPort()), "--ca",
                dir.resolve("other-ca.pem").toString(), "--duration", "0s", "--format", "json");
        assertThat(down.exitCode()).as(down.out() + down.err()).isEqualTo(1);
        assertThat(JsonParser.parseString(down.out()).getAsJsonObject().getAsJsonObject("failures").keySet())
                .containsExactly("tcp.refused");
    }
}
