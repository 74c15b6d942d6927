package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt broker --api-port / --api-token-file}: the start-up lines, the JSON log, the usage errors. */
class BrokerApiFlagsTest {
    @TempDir
    Path home;

    private Path tokenFile(String token) throws Exception {
        Path f = home.resolve("api-token");
        Files.writeString(f, token + "\n");
        return f;
    }

    @Test
    void withTheApiTheBridgeStartsWithoutDevicesAndNamesTheApiButNeverTheToken() throws Exception {
        String token = "secret-token-abcdef0123456789";
        CliRun r = CliRun.run(Map.of("IOTJWT_HOME", home.toString()), "broker", "--port", "0", "--api-port", "0",
                "--api-token-file", tokenFile(token).toString(), "--state-dir", home.resolve("state").toString(),
                "--stop-after", "1s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("api {7}http://127\\.0\\.0\\.1:\\d+/v1/projects/local-project/locations/"
                + "us-central1/registries/local-registry \\(Cloud IoT Core v1 device manager; bearer token required\\)");
        assertThat(r.err() + r.out()).doesNotContain(token);
    }

    @Test
    void theJsonLogCarriesTheApiPortInTheStartAndAsAnEvent() throws Exception {
        CliRun r = CliRun.run(Map.of("IOTJWT_HOME", home.toString()), "broker", "--port", "0", "--api-port", "0",
                "--state-dir", home.resolve("state").toString(), "--log-format", "json", "--stop-after", "1s");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonObject started = r.err().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.get("type").getAsString().equals("started")).findFirst().orElseThrow();
        int port = started.get("apiPort").getAsInt();
        assertThat(port).isPositive();
        assertThat(r.err().lines().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.get("type").getAsString().equals("event") && o.get("kind").getAsString().equals("api")))
                .anyMatch(o -> o.get("detail").getAsString().contains("http://127.0.0.1:" + port + "/v1/"));
    }

    @Test
    void usageErrorsAreExitTwoAndAnEmptyTokenFileIsExitThree() throws Exception {
        CliRun noPort = CliRun.run("broker", "--api-token-file", tokenFile("t").toString(), "--device", "x=y");
        assertThat(noPort.exitCode()).isEqualTo(2);
        assertThat(noPort.err()).contains("--api-token-file needs --api-port");
        CliRun badPort = CliRun.run("broker", "--api-port", "70000");
        assertThat(badPort.exitCode()).isEqualTo(2);
        assertThat(badPort.err()).contains("--api-port 70000 is not a TCP port");
        CliRun noDevices = CliRun.run(Map.of("IOTJWT_HOME", home.toString()), "broker", "--port", "0");
        assertThat(noDevices.exitCode()).isEqualTo(2);
        assertThat(noDevices.err()).contains("--api-port");
        Path empty = home.resolve("empty-token");
        Files.writeString(empty, "\n");
        CliRun emptyToken = CliRun.run(Map.of("IOTJWT_HOME", home.toString()), "broker", "--port", "0",
                "--api-port", "0", "--api-token-file", empty.toString(), "--state-dir",
                home.resolve("state").toString(), "--stop-after", "1s");
        assertThat(emptyToken.exitCode()).isEqualTo(3);
        assertThat(emptyToken.err()).contains("--api-token-file").contains("empty");
    }
}
