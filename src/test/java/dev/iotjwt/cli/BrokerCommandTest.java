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
        for (String threads : List.of("0", "-1", "257")) {
            CliRun t = CliRun.run("broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                    "--threads", threads, "--state-dir", home.toString());
            assertThat(t.exitCode()).as(threads).isEqualTo(2);
            assertThat(t.err()).contains("--threads must be from 1 to 256");
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
        java.security.PrivateKey ec = new dev.iotjwt.keys.KeyReader().privateKey(Fixtures.key("p256_sec1.pem"),
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

    /** Every line of the broker's stderr so far, each parsed as one JSON object (fails on any other line). */
    private static List<JsonObject> jsonLines(Running broker) {
        List<JsonObject> lines = new ArrayList<>();
        for (String l : broker.err.toString().lines().toList()) {
            com.google.gson.JsonElement e;
            try {
                e = JsonParser.parseString(l);
            } catch (com.google.gson.JsonParseException notJson) {
                throw new AssertionError("not a JSON line on stderr: " + l, notJson);
            }
            assertThat(e.isJsonObject()).as(l).isTrue();
            assertThat(l).as("one object a line").startsWith("{").endsWith("}");
            lines.add(e.getAsJsonObject());
        }
        return lines;
    }

    /** The JSON object lines so far, other lines left out (the assertions on them are {@link #jsonLines}'s). */
    private static List<JsonObject> jsonLinesSoFar(Running broker) {
        List<JsonObject> lines = new ArrayList<>();
        for (String l : broker.err.toString().lines().toList()) {
            try {
                com.google.gson.JsonElement e = JsonParser.parseString(l);
                if (e.isJsonObject()) {
                    lines.add(e.getAsJsonObject());
                }
            } catch (com.google.gson.JsonParseException notJson) {
                // judged by jsonLines
            }
        }
        return lines;
    }

    /** The first JSON line of the given type satisfying {@code which}, waited for up to 10 s. */
    private static JsonObject awaitJson(Running broker, String type, java.util.function.Predicate<JsonObject> which)
            throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            for (JsonObject o : jsonLinesSoFar(broker)) {
                if (o.get("type").getAsString().equals(type) && which.test(o)) {
                    return o;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + type + "' line as wanted in: " + broker.err);
    }

    private static String clientIdOf(JsonObject reportLine) {
        JsonObject target = reportLine.getAsJsonObject("report").getAsJsonObject("target");
        return target.get("clientId") == null || target.get("clientId").isJsonNull() ? ""
                : target.get("clientId").getAsString();
    }

    private static JsonObject step(JsonObject report, String id) {
        for (com.google.gson.JsonElement s : report.getAsJsonArray("steps")) {
            if (s.getAsJsonObject().get("id").getAsString().equals(id)) {
                return s.getAsJsonObject();
            }
        }
        throw new AssertionError("no step " + id + " in " + report);
    }

    /**
     * --log-format json: stderr holds JSON objects only: started (port, ca), an event per accepted or refused
     * device, and when each connection ends its report (steps tcp, tls, mqtt, session; the cause of a refusal).
     */
    @Test
    void jsonLogFormatWritesStartedEventsAndReportsAsJsonLines() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        java.security.PrivateKey ec = new dev.iotjwt.keys.KeyReader().privateKey(Fixtures.key("p256_sec1.pem"),
                dev.iotjwt.keys.PasswordSource.NONE).privateKey();
        long now = Fixtures.NOW.getEpochSecond();
        String wrongAudience = dev.iotjwt.testsupport.TokenForge.es256(ec).claims(now, now + 1200, "other-project")
                .build();
        try (Running broker = new Running(env, "broker", "--registry", registryFile().toString(), "--port", "0",
                "--log-format", "json", "--stop-after", "60s", "--threads", "3")) {
            JsonObject started = awaitJson(broker, "started", o -> true);
            assertThat(started.get("threads").getAsInt()).isEqualTo(3);
            int port = started.get("port").getAsInt();
            assertThat(port).isPositive();
            assertThat(started.get("ca").getAsString()).isEqualTo(home.resolve("broker").resolve("ca.pem")
                    .toAbsolutePath().toString());
            assertThat(started.get("tlsProfile").getAsString()).isEqualTo("default");
            assertThat(started.getAsJsonArray("devices").toString()).isEqualTo("[\"dev-ec\"]");
            assertThat(started.get("connect").getAsString()).startsWith("iotjwt connect --profile local --port "
                    + port);
            String p = String.valueOf(port);

            CliRun ok = CliRun.run(env, "connect", "--profile", "local", "--host", "localhost", "--port", p,
                    "--client-id", CLIENT + "dev-ec", "--key", Fixtures.key("p256_sec1.pem").toString(),
                    "--publish", "{\"t\":1}");
            assertThat(ok.exitCode()).as(ok.out()).isZero();
            CliRun unknown = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    CLIENT + "dev-unknown", "--key", Fixtures.key("p256_sec1.pem").toString(), "--expect", "5");
            assertThat(unknown.exitCode()).as(unknown.out()).isZero();
            CliRun badToken = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    CLIENT + "dev-ec", "--jwt", wrongAudience, "--expect", "5");
            assertThat(badToken.exitCode()).as(badToken.out()).isZero();

            JsonObject accepted = awaitJson(broker, "event", o -> o.get("kind").getAsString().equals("accepted"));
            assertThat(accepted.get("device").getAsString()).isEqualTo("dev-ec");
            assertThat(accepted.get("time").getAsString()).isNotBlank();

            JsonObject good = awaitJson(broker, "report", o -> o.getAsJsonObject("report").get("ok").getAsBoolean());
            JsonObject r = good.getAsJsonObject("report");
            assertThat(good.get("time").getAsString()).isNotBlank();
            assertThat(r.getAsJsonObject("target").get("host").getAsString()).isEqualTo("127.0.0.1");
            assertThat(r.getAsJsonObject("target").get("sni").getAsString()).isEqualTo("localhost");
            assertThat(clientIdOf(good)).isEqualTo(CLIENT + "dev-ec");
            // no cause (the key is dropped from the line today; see reportLinesKeepTheirNullFields)
            assertThat(r.get("cause") == null || r.get("cause").isJsonNull()).as(r.toString()).isTrue();
            List<String> ids = new ArrayList<>();
            r.getAsJsonArray("steps").forEach(s -> ids.add(s.getAsJsonObject().get("id").getAsString()));
            assertThat(ids).containsExactly("tcp", "tls", "mqtt", "session");
            r.getAsJsonArray("steps").forEach(s -> assertThat(s.getAsJsonObject().get("status").getAsString())
                    .as(s.toString()).isIn("pass", "warn"));
            JsonObject tlsFacts = step(r, "tls").getAsJsonObject("facts");
            assertThat(tlsFacts.get("SNI").getAsString()).isEqualTo("localhost");
            assertThat(tlsFacts.get("version").getAsString()).isEqualTo("TLSv1.3");
            assertThat(tlsFacts.get("suite").getAsString()).startsWith("TLS_");
            assertThat(step(r, "session").getAsJsonObject("facts").get("telemetry").getAsString())
                    .startsWith("1 message(s)");

            // the unknown device: the refusal's event and a report whose cause is that code, the mqtt step failed
            JsonObject refusedUnknown = awaitJson(broker, "event", o -> o.get("kind").getAsString().equals("refused")
                    && "dev-unknown".equals(o.get("device").isJsonNull() ? null : o.get("device").getAsString()));
            assertThat(refusedUnknown.get("code").getAsString()).isEqualTo("device.unknown");
            JsonObject unknownReport = awaitJson(broker, "report", o -> clientIdOf(o).endsWith("/dev-unknown"));
            assertThat(unknownReport.getAsJsonObject("report").get("ok").getAsBoolean()).isFalse();
            assertThat(unknownReport.getAsJsonObject("report").getAsJsonObject("cause").get("code").getAsString())
                    .isEqualTo("device.unknown");
            assertThat(step(unknownReport.getAsJsonObject("report"), "mqtt").get("status").getAsString())
                    .isEqualTo("fail");
            // connect to 127.0.0.1 sends no SNI: the tls step passes with that warning
            JsonObject unknownTls = step(unknownReport.getAsJsonObject("report"), "tls");
            assertThat(unknownTls.get("status").getAsString()).as(unknownTls.toString()).isEqualTo("warn");
            assertThat(unknownTls.getAsJsonArray("findings").get(0).getAsJsonObject().get("code").getAsString())
                    .isEqualTo("device.tls.no-sni");
            assertThat(unknownTls.getAsJsonObject("facts").get("SNI").getAsString()).isEqualTo("none");

            // the known device with a token for another project: refused with its own code
            JsonObject refusedToken = awaitJson(broker, "event", o -> o.get("kind").getAsString().equals("refused")
                    && "dev-ec".equals(o.get("device").isJsonNull() ? null : o.get("device").getAsString()));
            String code = refusedToken.get("code").getAsString();
            assertThat(code).isNotBlank().isNotEqualTo("device.unknown");
            JsonObject tokenReport = awaitJson(broker, "report", o -> clientIdOf(o).endsWith("/dev-ec")
                    && !o.getAsJsonObject("report").get("ok").getAsBoolean());
            assertThat(tokenReport.getAsJsonObject("report").getAsJsonObject("cause").get("code").getAsString())
                    .isEqualTo(code);
            assertThat(step(tokenReport.getAsJsonObject("report"), "mqtt").get("status").getAsString())
                    .isEqualTo("fail");
            assertThat(step(tokenReport.getAsJsonObject("report"), "session").get("status").getAsString())
                    .isEqualTo("skipped");
            assertThat(broker.err.toString()).doesNotContain(wrongAudience.substring(wrongAudience.lastIndexOf('.')
                    + 1));

            broker.close();
            assertThat(broker.exit).isZero();
            List<JsonObject> all = jsonLines(broker);
            assertThat(all.get(0).get("type").getAsString()).isEqualTo("started");
            assertThat(all.get(all.size() - 1).get("type").getAsString()).isEqualTo("stopped");
            assertThat(all).allSatisfy(o -> assertThat(o.get("type").getAsString())
                    .isIn("started", "event", "report", "stopped"));
            assertThat(all.stream().filter(o -> o.get("type").getAsString().equals("report")).count())
                    .isGreaterThanOrEqualTo(3);
        }
    }

    /**
     * A report line keeps its null fields, as the events do and as connect's JSON does (BrokerLog: "Reports and
     * events keep their null fields"): a passing report says "cause": null, a device without SNI "sni": null.
     */
    @Test
    void reportLinesKeepTheirNullFields() {
        StringWriter err = new StringWriter();
        BrokerLog log = new BrokerLog(new PrintWriter(err), new PrintWriter(new StringWriter()), null, true);
        log.report(new dev.iotjwt.diagnose.Diagnosis(true, new dev.iotjwt.diagnose.Target("device", "127.0.0.1",
                40000, null, CLIENT + "dev-ec"), List.of(), null));
        log.event(new dev.iotjwt.broker.BrokerListener.Event(Fixtures.NOW, "closed", null, null, "no bytes"));
        List<String> lines = err.toString().lines().toList();
        assertThat(lines).hasSize(2);
        JsonObject event = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertThat(event.has("device")).as(lines.get(1)).isTrue();
        JsonObject report = JsonParser.parseString(lines.get(0)).getAsJsonObject().getAsJsonObject("report");
        assertThat(report.has("cause")).as(lines.get(0)).isTrue();
        assertThat(report.get("cause").isJsonNull()).isTrue();
        assertThat(report.getAsJsonObject("target").has("sni")).as(lines.get(0)).isTrue();
    }

    /**
     * Under --log-format json, stderr is JSON objects only: the warning about a private key file open to others is
     * a line of its own kind there too, not the text "iotjwt: warning: ..." and "hint: chmod 600 ...".
     */
    @Test
    void jsonLogFormatKeepsWarningsAsJsonLines() throws Exception {
        Path key = home.resolve("device.pem");
        Files.copy(Fixtures.key("p256_sec1.pem"), key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        try (Running broker = new Running(Map.of("IOTJWT_HOME", home.toString()), "broker", "--device",
                "dev-ec=" + key, "--port", "0", "--log-format", "json", "--stop-after", "60s")) {
            awaitJson(broker, "started", o -> true);
            broker.close();
            assertThat(broker.exit).isZero();
            assertThat(jsonLines(broker).toString()).contains(key.toString()).contains("chmod 600");
        }
    }

    @Test
    void unknownTlsProfileProviderOrLogFormatAreUsageErrors() {
        String device = "dev-ec=" + Fixtures.key("p256_public.pem");
        CliRun profile = CliRun.run("broker", "--device", device, "--tls-profile", "banana", "--state-dir",
                home.toString());
        assertThat(profile.exitCode()).isEqualTo(2);
        assertThat(profile.err()).contains("--tls-profile 'banana' is not a profile")
                .contains("default, google, google-lts, clearblade");
        CliRun provider = CliRun.run("broker", "--device", device, "--tls-provider", "banana", "--state-dir",
                home.toString());
        assertThat(provider.exitCode()).isEqualTo(2);
        assertThat(provider.err()).contains("--tls-provider 'banana'").contains("auto, boringssl or jdk");
        CliRun format = CliRun.run("broker", "--device", device, "--log-format", "xml", "--state-dir",
                home.toString());
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--log-format 'xml'").contains("text or json");
        try (var made = Files.list(home)) {
            assertThat(made.toList()).as("nothing made before the options are judged").isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** google-lts: TLS 1.2 only, so a device offering only TLS 1.3 fails at tls and the broker says why. */
    @Test
    void theGoogleLtsProfileTakesTls12Only() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        try (Running broker = new Running(env, "broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                "--tls-profile", "google-lts", "--port", "0", "--stop-after", "60s")) {
            String p = String.valueOf(broker.port());
            assertThat(broker.err.toString()).contains("TLSv1.2, as mqtt.2030.ltsapis.goog (--tls-profile"
                    + " google-lts)").doesNotContain("TLSv1.3");
            CliRun tls13 = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    "projects/local-project/locations/us-central1/registries/local-registry/devices/dev-ec", "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--tls-version", "TLSv1.3");
            assertThat(tls13.exitCode()).as(tls13.out()).isEqualTo(1);
            assertThat(tls13.out()).containsPattern("(?i)tls.*fail|fail.*tls");
            awaitErr(broker, Pattern.compile(" failed 127\\.0\\.0\\.1:\\d+ device\\.tls\\.protocol-version: "));
            CliRun tls12 = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    "projects/local-project/locations/us-central1/registries/local-registry/devices/dev-ec", "--key",
                    Fixtures.key("p256_sec1.pem").toString());
            assertThat(tls12.exitCode()).as(tls12.out()).isZero();
            assertThat(tls12.out()).contains("OK: connected; every step passed").contains("TLSv1.2");
        }
    }

    /** google: the server certificate is RSA 2048 (as the Google front end's was), and a device connects. */
    @Test
    void theGoogleProfileServesAnRsaCertificate() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        try (Running broker = new Running(env, "broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                "--tls-profile", "google", "--port", "0", "--stop-after", "60s")) {
            String p = String.valueOf(broker.port());
            assertThat(broker.err.toString()).contains("as mqtt.googleapis.com (--tls-profile google)");
            Path rsaPem = home.resolve("broker").resolve("server-rsa.pem");
            java.security.cert.X509Certificate leaf;
            try (var in = Files.newInputStream(rsaPem)) {
                leaf = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                        .getInstance("X.509").generateCertificate(in);
            }
            assertThat(leaf.getPublicKey()).isInstanceOf(java.security.interfaces.RSAPublicKey.class);
            assertThat(((java.security.interfaces.RSAPublicKey) leaf.getPublicKey()).getModulus().bitLength())
                    .isEqualTo(2048);
            CliRun c = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    "projects/local-project/locations/us-central1/registries/local-registry/devices/dev-ec", "--key",
                    Fixtures.key("p256_sec1.pem").toString(), "--format", "json");
            assertThat(c.exitCode()).as(c.out()).isZero();
            assertThat(c.out()).contains("RSA");
            // the handshake the device saw was served by that RSA certificate
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trusting(home.resolve("broker/ca.pem"))
                    .getSocketFactory().createSocket("127.0.0.1", broker.port())) {
                s.setSoTimeout(5000);
                s.startHandshake();
                assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(leaf);
                assertThat(s.getSession().getCipherSuite()).matches("TLS_AES_.*|TLS_CHACHA20_.*|TLS_ECDHE_RSA_.*");
            }
        }
    }

    /** --tls-provider jdk: the JDK's engine serves devices; one that does not trust the CA is logged as such. */
    @Test
    void theJdkProviderServesDevicesAndNamesAnUntrustingOne() throws Exception {
        Map<String, String> env = Map.of("IOTJWT_HOME", home.toString());
        Path otherCa = BrokerPkiOther.caOf(home.resolve("other-state"));
        try (Running broker = new Running(env, "broker", "--device", "dev-ec=" + Fixtures.key("p256_public.pem"),
                "--tls-provider", "jdk", "--port", "0", "--stop-after", "60s")) {
            String p = String.valueOf(broker.port());
            assertThat(broker.err.toString()).contains("  tls       JDK, ");
            CliRun c = CliRun.run(env, "connect", "--profile", "local", "--port", p, "--client-id",
                    "projects/local-project/locations/us-central1/registries/local-registry/devices/dev-ec", "--key",
                    Fixtures.key("p256_sec1.pem").toString());
            assertThat(c.exitCode()).as(c.out()).isZero();
            assertThat(c.out()).contains("OK: connected; every step passed");

            // a JDK client trusting another CA
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trusting(otherCa).getSocketFactory()
                    .createSocket("127.0.0.1", broker.port())) {
                s.setSoTimeout(5000);
                org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake)
                        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
            }
            awaitErr(broker, Pattern.compile(" failed 127\\.0\\.0\\.1:\\d+ device\\.tls\\.untrusted-server: "));
            long before = broker.err.toString().lines().filter(l -> l.contains("device.tls.untrusted-server")).count();

            // openssl s_client with the wrong root, failing on the verification error
            Process o = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + p, "-CAfile",
                    otherCa.toString(), "-verify_return_error").redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            assertThat(o.waitFor(15, TimeUnit.SECONDS)).isTrue();
            String said = new String(o.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(said).containsIgnoringCase("verify");
            for (int i = 0; i < 250 && broker.err.toString().lines()
                    .filter(l -> l.contains("device.tls.untrusted-server")).count() <= before; i++) {
                Thread.sleep(20);
            }
            assertThat(broker.err.toString().lines().filter(l -> l.contains("device.tls.untrusted-server")).count())
                    .as(broker.err.toString()).isGreaterThan(before);
        }
    }

    private static void awaitErr(Running broker, Pattern wanted) throws InterruptedException {
        for (int i = 0; i < 250 && !wanted.matcher(broker.err.toString()).find(); i++) {
            Thread.sleep(20);
        }
        assertThat(broker.err.toString()).containsPattern(wanted);
    }

    private static javax.net.ssl.SSLContext trusting(Path caFile) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (var in = Files.newInputStream(caFile)) {
            ks.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Another broker CA: what a device trusts when it was given the wrong --ca. */
    private static final class BrokerPkiOther {
        static Path caOf(Path dir) throws Exception {
            return dev.iotjwt.broker.BrokerPki.ensure(dir, List.of("localhost"), Fixtures.CLOCK).caFile();
        }
    }
}
