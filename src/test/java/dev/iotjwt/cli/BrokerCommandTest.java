package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt broker} as a user runs it: started, connected to with {@code connect --profile local}, stopped. */
class BrokerCommandTest {
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final String CLIENT = "projects/my-project/locations/us-central1/registries/my-registry/devices/";

    @TempDir
    Path home;

    /** The broker command on its own thread, its output readable while it runs. */
    private static final class Running implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Thread thread;
        volatile int exit = -1;

        Running(Map<String, String> env, String... args) {
            CommandLine cl = Cli.create(new CliContext(Fixtures.CLOCK, env, () -> null,
                    () -> new java.io.ByteArrayInputStream(new byte[0])));
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> exit = cl.execute(args), "broker-under-test");
            thread.start();
        }

        int port() throws InterruptedException {
            for (int i = 0; i < 500; i++) {
                Matcher m = LISTENING.matcher(err.toString());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
                if (!thread.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("the broker did not start: " + err);
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(15_000);
        }
    }

    private Path registryFile() throws Exception {
        String pem = Files.readString(Fixtures.key("p256_public.pem")).replace("\n", "\\n");
        Path file = home.resolve("registry.json");
        Files.writeString(file, "{\"project\":\"my-project\",\"region\":\"us-central1\",\"registry\":\"my-registry\","
                + "\"devices\":[{\"id\":\"dev-ec\",\"blocked\":false,\"credentials\":[{\"publicKey\":{\"format\":"
                + "\"ES256_PEM\",\"key\":\"" + pem + "\"},\"expirationTime\":\"1970-01-01T00:00:00Z\"}],"
                + "\"config\":{\"version\":\"3\",\"binaryData\":\"eyJsZWQiOjF9\"}}]}");
        return file;
    }

    @Test
    void connectWithTheLocalProfilePassesEveryStepAndEventsAreLogged() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        Path events = home.resolve("events.jsonl");
        try (Running broker = new Running(env, "broker", "--registry", registryFile().toString(), "--port", "0",
                "--events", events.toString(), "--stop-after", "60s")) {
            int port = broker.port();
            assertThat(broker.err.toString()).contains(home.resolve("broker").resolve("ca.pem").toString())
                    .contains("iotjwt connect --profile local --port " + port + " --client-id " + CLIENT + "dev-ec");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("broker")
                    .resolve("ca-key.pem")))).isEqualTo("rw-------");
            CliRun c = CliRun.run(env, "connect", "--profile", "local", "--port", String.valueOf(port), "--client-id",
                    CLIENT + "dev-ec", "--key", Fixtures.key("p256_sec1.pem").toString(), "--publish", "{\"t\":20}",
                    "--subscribe", "config", "--wait", "1s");
            assertThat(c.exitCode()).as(c.out()).isZero();
            assertThat(c.out()).contains("OK: connected; every step passed").contains("{\"led\":1}");
            CliRun refused = CliRun.run(env, "connect", "--profile", "local", "--port", String.valueOf(port),
                    "--client-id", CLIENT + "dev-unknown", "--key", Fixtures.key("p256_sec1.pem").toString(),
                    "--expect", "5");
            assertThat(refused.exitCode()).as(refused.out()).isZero();
            for (int i = 0; i < 100 && !Files.exists(events); i++) {
                Thread.sleep(20);
            }
            for (int i = 0; i < 100 && Files.readString(events).isEmpty(); i++) {
                Thread.sleep(20);
            }
            JsonObject line = JsonParser.parseString(Files.readAllLines(events).get(0)).getAsJsonObject();
            assertThat(line.get("device").getAsString()).isEqualTo("dev-ec");
            assertThat(line.get("topic").getAsString()).isEqualTo("/devices/dev-ec/events");
            assertThat(line.get("payload").getAsString()).isEqualTo("{\"t\":20}");
            assertThat(broker.err.toString()).contains("accepted dev-ec: connected")
                    .contains("refused dev-unknown device.unknown: no device 'dev-unknown'");
            broker.close();
            assertThat(broker.exit).isZero();
            assertThat(broker.err.toString()).contains("iotjwt broker: stopped");
        }
    }

    @Test
    void theLocalProfileWithoutABrokerSaysToStartOne() {
        CliRun r = CliRun.run(Map.of("IOTJWT_HOME", home.toString()), "connect", "--profile", "local", "--client-id",
                CLIENT + "dev-ec", "--key", Fixtures.key("p256_sec1.pem").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("cause: ca.unreadable").contains("start 'iotjwt broker' first");
    }

    @Test
    void logLinesCannotBeForgedByAClientId() {
        StringWriter err = new StringWriter();
        new BrokerLog(new PrintWriter(err), new PrintWriter(new StringWriter()), null).event(
                new dev.iotjwt.broker.BrokerListener.Event(Fixtures.NOW, "refused", "x\n2026-11-25T10:00:00Z accepted"
                        + " dev-ec", "clientid.malformed", "client id 'x\r\n' is not ..."));
        assertThat(err.toString().lines().count()).isEqualTo(1);
        assertThat(err.toString()).contains("x\\x0a2026");
    }

    @Test
    void theCaIsReusedOnTheNextStart() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        String[] args = {"broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"), "--port", "0",
                "--stop-after", "60s"};
        String first;
        try (Running broker = new Running(env, args)) {
            broker.port();
            assertThat(broker.err.toString()).contains("(created now)");
            first = Files.readString(home.resolve("broker/ca.pem"));
        }
        try (Running broker = new Running(env, args)) {
            broker.port();
            assertThat(broker.err.toString()).contains("(reused)");
        }
        assertThat(Files.readString(home.resolve("broker/ca.pem"))).isEqualTo(first);
    }

    @Test
    void badInputsAreRefusedBeforeListening() throws Exception {
        Path bad = home.resolve("bad.json");
        Files.writeString(bad, "{\"project\":\"p\",\"registry\":\"reg\",\"devices\":[{\"id\":\"dev1\",\"credentials\":"
                + "[{\"publicKey\":{\"format\":\"ES256_PEM\"}}]}]}");
        CliRun r = CliRun.run("broker", "--registry", bad.toString(), "--state-dir", home.toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("bad.json").contains("device 'dev1'").contains("field 'key'");
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        CliRun none = CliRun.run("broker", "--state-dir", home.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no devices");
        CliRun privateKey = CliRun.run("broker", "--device", "dev-x=" + Fixtures.key("p384_sec1.pem"), "--state-dir",
                home.toString());
        assertThat(privateKey.exitCode()).isEqualTo(3);
        assertThat(privateKey.err()).contains("P-384");
        CliRun shape = CliRun.run("broker", "--device", "dev-ec", "--state-dir", home.toString());
        assertThat(shape.exitCode()).isEqualTo(2);
        assertThat(shape.err()).contains("ID=KEY_FILE");
        for (String timeout : List.of("0s", "500ms", "2h")) {
            CliRun wait = CliRun.run("broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                    "--connect-timeout", timeout, "--state-dir", home.toString());
            assertThat(wait.exitCode()).as(timeout).isEqualTo(2);
            assertThat(wait.err()).contains("--connect-timeout must be from 1s to 1h");
        }
    }

    @Test
    void aSecondBrokerOnTheSamePortSaysSo() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        try (Running broker = new Running(env, "broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                "--port", "0", "--stop-after", "60s")) {
            int port = broker.port();
            CliRun second = CliRun.run(env, "broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                    "--port", String.valueOf(port));
            assertThat(second.exitCode()).isEqualTo(3);
            assertThat(second.err()).contains("cannot listen on 127.0.0.1:" + port);
        }
    }

    @Test
    void sigtermStopsTheBrokerProcessCleanly() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.iotjwt.Main", "broker", "--port", "0",
                "--state-dir", home.resolve("state").toString(), "--device",
                "dev-ec=" + Fixtures.key("p256_public.pem"), "--stop-after", "120s"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    seen.append(line).append('\n');
                }
            } catch (java.io.IOException closed) {
                // destroy() closes our end once the process is gone
            }
        });
        drain.start();
        try {
            for (int i = 0; i < 1000 && !seen.toString().contains("stop with Ctrl-C"); i++) {
                Thread.sleep(20);
            }
            assertThat(seen.toString()).contains("listening on");
            ProcessHandle.of(p.pid()).orElseThrow().destroy(); // SIGTERM, leaving our end of the pipe open
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            drain.join(5000);
            assertThat(seen.toString()).contains("iotjwt broker: stopped (signal)");
        } finally {
            p.destroyForcibly();
        }
    }

    /** The banner's connect line under --require-sni, run as printed (the key filled in), passes every step. */
    @Test
    void theBannersConnectLineWorksUnderRequireSni() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        try (Running broker = new Running(env, "broker", "--require-sni", "--device",
                "dev-ec=" + Fixtures.key("p256_public.pem"), "--port", "0", "--stop-after", "60s")) {
            broker.port();
            String line = broker.err.toString().lines().map(String::strip)
                    .filter(l -> l.startsWith("iotjwt connect ")).findFirst().orElseThrow();
            assertThat(line).contains("--host localhost");
            List<String> args = new ArrayList<>(List.of(line.replace("PRIVATE_KEY.pem",
                    Fixtures.key("p256_sec1.pem").toString()).split(" ")));
            args.remove(0);
            CliRun c = CliRun.run(env, args.toArray(String[]::new));
            assertThat(c.exitCode()).as(c.out()).isZero();
            assertThat(c.out()).contains("OK: connected; every step passed");
            assertThat(broker.err.toString()).contains("accepted dev-ec: connected (SNI localhost)");
        }
    }

    @Test
    void badDeviceOptionsAreUsageErrorsOrNameTheFix() throws Exception {
        CliRun badId = CliRun.run("broker", "--device", "bad id!=" + Fixtures.key("p256_public.pem"), "--state-dir",
                home.toString());
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("device id 'bad id!'").contains("IoT Core's rule").contains("Try");
        CliRun encrypted = CliRun.run("broker", "--device", "dev-enc=" + Fixtures.key("p256_pkcs8_enc.pem"),
                "--state-dir", home.toString());
        assertThat(encrypted.exitCode()).isEqualTo(3);
        assertThat(encrypted.err()).contains("iotjwt key public").doesNotContain("give its password");
        CliRun weak = CliRun.run("broker", "--device", "dev-weak=" + Fixtures.key("rsa1024_pkcs1.pem"),
                "--state-dir", home.toString());
        assertThat(weak.exitCode()).isEqualTo(3);
        assertThat(weak.err()).contains("device 'dev-weak'").contains("rsa1024_pkcs1.pem").contains("RSA 1024")
                .contains("at least 2048 bits");
    }

    @Test
    void aStateFolderThatCannotBeMadeSaysWhy() throws Exception {
        Path file = home.resolve("a-file");
        Files.writeString(file, "x");
        // /proc refuses a new folder: "no such file" on Linux, "permission denied" in some sandboxes (gVisor)
        Map<String, String> cases = Map.of("/proc/nope", "(no such file or folder|permission denied)",
                file.toString(), "is not a folder", file.resolve("sub").toString(), "a-file: is not a folder");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            CliRun r = CliRun.run("broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"), "--port", "0",
                    "--state-dir", c.getKey());
            assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).as(c.getKey()).contains(c.getKey() + ": cannot create the broker's certificates: ")
                    .containsPattern(c.getValue()).doesNotContain("Exception");
        }
    }

    @Test
    void privateKeyFilesOpenToOthersAreWarnedAbout() throws Exception {
        Path key = home.resolve("device.pem");
        Files.copy(Fixtures.key("p256_sec1.pem"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path pub = home.resolve("device_public.pem");
        Files.copy(Fixtures.key("p256_public.pem"), pub);
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
        Path state = home.resolve("state");
        CliRun first = CliRun.run("broker", "--device", "dev-ec=" + key, "--device", "dev-pub=" + pub, "--port", "0",
                "--state-dir", state.toString(), "--stop-after", "1s");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).contains("iotjwt: warning: " + key + ": private key file is open to group or others"
                + " (mode 0644)").contains("hint: chmod 600 " + key).doesNotContain(pub + ": private key")
                .doesNotContain("ca-key.pem").doesNotContain("server-key.pem");
        for (String f : List.of("ca-key.pem", "server-key.pem")) {
            Files.setPosixFilePermissions(state.resolve(f), PosixFilePermissions.fromString("rw-r-----"));
        }
        CliRun reused = CliRun.run("broker", "--device", "dev-pub=" + pub, "--port", "0", "--state-dir",
                state.toString(), "--stop-after", "1s");
        assertThat(reused.exitCode()).as(reused.err()).isZero();
        assertThat(reused.err()).contains("(reused)")
                .contains("iotjwt: warning: " + state.resolve("ca-key.pem") + ": private key file is open to group or"
                        + " others (mode 0640)").contains("hint: chmod 600 " + state.resolve("server-key.pem"))
                .doesNotContain(pub + ": private key");
    }

    @Test
    void theHelpExampleIsNotWrappedMidCommand() {
        CliRun r = CliRun.run("broker", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).anySatisfy(l -> assertThat(l).endsWith("--hostname bench.local \\"))
                .anySatisfy(l -> assertThat(l).isEqualTo("      --device esp32=esp32_public.pem"))
                .allSatisfy(l -> assertThat(l).doesNotStartWith("esp32="));
    }

    /**
     * A device that pasted its token into its client id, refused by the real broker command: neither the log lines
     * on stderr nor the --events file hold the token's signature (nor the token sent as the password).
     */
    @Test
    void logLinesAndEventsNeverHoldATokensSignature() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        Path events = home.resolve("events.jsonl");
        java.security.PrivateKey ec = new dev.iotjwt.keys.KeyLoader().readPrivateKey(Fixtures.key("p256_sec1.pem"),
                dev.iotjwt.keys.PasswordSource.NONE).privateKey();
        long now = Fixtures.NOW.getEpochSecond();
        String token = dev.iotjwt.testsupport.TokenForge.es256(ec).claims(now, now + 1200, "my-project").build();
        String signature = token.substring(token.lastIndexOf('.') + 1);
        try (Running broker = new Running(env, "broker", "--registry", registryFile().toString(), "--port", "0",
                "--events", events.toString(), "--stop-after", "60s")) {
            String port = String.valueOf(broker.port());
            for (String clientId : List.of(CLIENT + "x" + token, CLIENT.replace("my-project", "p-" + token) + "dev-ec",
                    CLIENT + "dev-ec/" + token)) {
                CliRun c = CliRun.run(env, "connect", "--profile", "local", "--port", port, "--client-id", clientId,
                        "--jwt", token, "--expect", "5");
                assertThat(c.exitCode()).as(c.out()).isZero();
            }
            CliRun ok = CliRun.run(env, "connect", "--profile", "local", "--port", port, "--client-id",
                    CLIENT + "dev-ec", "--jwt", token, "--publish", "{\"t\":1}");
            assertThat(ok.exitCode()).as(ok.out()).isZero();
            for (int i = 0; i < 200 && (!Files.exists(events) || Files.readString(events).isEmpty()); i++) {
                Thread.sleep(20);
            }
            broker.close();
            String log = broker.err.toString();
            assertThat(log.lines().filter(l -> l.contains(" refused ")).count()).isEqualTo(3);
            assertThat(log).contains("<signature elided>").contains("accepted dev-ec");
            assertThat(log).doesNotContain(signature).doesNotContain(signature.substring(0, 16));
            String written = Files.readString(events);
            assertThat(written).contains("\"device\":\"dev-ec\"").doesNotContain(signature)
                    .doesNotContain(signature.substring(0, 16));
        }
    }
}
