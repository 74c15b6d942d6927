package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.testsupport.CliRun;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
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
    }
}
