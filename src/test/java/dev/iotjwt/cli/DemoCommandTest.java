package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt demo}: the newcomer's first command works and cleans up after itself. */
class DemoCommandTest {
    @Test
    void theWholeFlowWorksAndOneRefusalIsDiagnosed() {
        CliRun r = CliRun.run("demo");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("OK: connected; every step passed")
                .contains("received on /devices/demo-device/events: {\"temperature_c\":21.5}")
                .contains("message 1: /devices/demo-device/config {\"led\":\"on\",\"report_every_s\":60}")
                .contains("cause: jwt.base64.padding")
                .contains("refused demo-device jwt.base64.padding")
                .contains("Demo OK");
        Matcher m = Pattern.compile("made in (\\S+)\\)").matcher(r.out());
        assertThat(m.find()).isTrue();
        assertThat(Files.exists(Path.of(m.group(1)))).as("temporary folder deleted").isFalse();
    }

    @Test
    void jsonHasTheSameParts() {
        CliRun r = CliRun.run("demo", "--format", "json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(o.get("ok").getAsBoolean()).isTrue();
        assertThat(o.getAsJsonObject("connect").get("ok").getAsBoolean()).isTrue();
        assertThat(o.getAsJsonObject("padded").getAsJsonObject("cause").get("code").getAsString())
                .isEqualTo("jwt.base64.padding");
        assertThat(o.getAsJsonArray("received").get(0).getAsJsonObject().get("topic").getAsString())
                .isEqualTo("/devices/demo-device/events");
        assertThat(o.getAsJsonObject("token").getAsJsonObject("claims").get("aud").getAsString())
                .isEqualTo("demo-project");
        // connected again: the config on subscribing, then a config and a command the bridge sent while connected
        JsonObject live = o.getAsJsonObject("live");
        assertThat(live.get("ok").getAsBoolean()).isTrue();
        assertThat(live.get("commandDelivered").getAsBoolean()).isTrue();
        assertThat(live.get("configVersion").getAsLong()).isEqualTo(2);
        assertThat(live.getAsJsonArray("received").asList()).extracting(e -> e.getAsString()).containsExactly(
                "/devices/demo-device/config {\"led\":\"on\",\"report_every_s\":60}",
                "/devices/demo-device/config {\"led\":\"blink\",\"report_every_s\":10}",
                "/devices/demo-device/commands/led flash 3");
    }

    /**
     * Ctrl-C or SIGTERM while the demo runs: the process ends by the signal, and its temporary folder, which held
     * the device's private key and the broker's CA key, is gone.
     */
    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void anInterruptedDemoDeletesItsFolderWithTheKeys(String signal, int exit, @TempDir Path tmp) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + tmp, "-cp",
                System.getProperty("java.class.path"), "dev.iotjwt.Main", "demo", "--timeout", "30s"));
        if (signal.equals("INT")) {
            // a build started in the background (nohup, CI runners) ignores SIGINT, and a JVM that inherits the
            // ignored signal never handles it: the demo gets Ctrl-C's default disposition back, as in a terminal
            if (resetsSignals()) {
                command.addAll(0, List.of("env", "--default-signal=INT"));
            } else {
                org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnored(),
                        "SIGINT is ignored in this build's process and env cannot give it back to the demo");
            }
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile()).start();
        try {
            Path caKey = null;
            for (int i = 0; i < 3000 && caKey == null && p.isAlive(); i++) {
                caKey = demoFolders(tmp).map(d -> d.resolve("broker").resolve("ca-key.pem")).filter(Files::exists)
                        .findFirst().orElse(null);
                Thread.sleep(5);
            }
            assertThat(caKey).as("the demo's CA key appears").isNotNull();
            Path folder = caKey.getParent().getParent();
            assertThat(folder.resolve("demo_device_private.pem")).exists();
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("ended by SIG" + signal + ": " + Files.readString(tmp.resolve("out.txt")))
                    .isEqualTo(exit);
            assertThat(folder).doesNotExist();
            assertThat(demoFolders(tmp).toList()).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }

    /** Whether env(1) here has --default-signal (GNU coreutils 8.31 and later). */
    private static boolean resetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), as its children then do. */
    private static boolean sigintIgnored() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .anyMatch(l -> (Long.parseLong(l.substring(7).strip(), 16) & 2) != 0);
    }

    private static Stream<Path> demoFolders(Path tmp) throws java.io.IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            List<Path> found = s.filter(d -> d.getFileName().toString().startsWith("iotjwt-demo-")).toList();
            return found.stream();
        }
    }
}
