package dev.iotjwt.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.cli.CliContext;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt check} through the real command line. */
class CheckCommandTest {
    static final String SEED_1 = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJoNG5oNDQtMSIsImV4cCI6MTYzMDQyMTE3OCwi"
            + "aWF0IjoxNjMwNDIwODc4fQ==.SbNIiu23b0w9udd8jlICsW/cQqsbMgKvzQlSmga8mseI3hVAwW001YQ9QmLPc7Y3z8bE8ndYJXE3lO4U"
            + "A39M4D6G/KyrybRnzQkFfevRm4qw8NekOsENPEse25YGNpzydKcVHvomHMBm8r797ApH2Z0Xs3FD2e+EgnS3GkQ4bYVxscMmDFqd/m5IW"
            + "JPz8mZiwuN3+LXK2gVOF798wObXY7L7q8EWycV2QbeDOQlEkVyG1SFTwudM0Y+Geppsli5uUrscEq5ipT/rgIaIFuqUcvykH9IZm/sLH"
            + "Xh54UYIkaAlHdzGyWTr+50cV4X+9ZWwTcfQdrRcECKIsSgeC/JyHw==";

    private static String mint(String key) {
        CliRun r = CliRun.run("mint", "--key", Fixtures.key(key).toString(), "--project", "my-project");
        assertThat(r.exitCode()).isZero();
        return r.out().strip();
    }

    @Test
    void aMintedTokenPassesWithExitZeroAndNamesTheKey() {
        String token = mint("p256_sec1.pem");
        CliRun r = CliRun.run("check", token, "--project", "my-project", "--public-key",
                Fixtures.key("p256_public.pem").toString());
        assertThat(r.exitCode()).as(r.out()).isZero();
        assertThat(r.out()).contains("✔ no findings").contains("verifies with").contains("p256_public.pem")
                .contains("Google IoT Core (lenient)           ✔ accepts");
    }

    @Test
    void seedTokenTextAndJsonCarryTheSameFindings() throws IOException {
        CliRun text = CliRun.run("check", SEED_1, "--project", "h4nh44-1", "--now", "1630420900");
        CliRun json = CliRun.run("check", SEED_1, "--project", "h4nh44-1", "--now", "1630420900", "--format", "json");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(json.exitCode()).isEqualTo(1);
        JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
        List<String> codes = new ArrayList<>();
        for (JsonElement f : o.getAsJsonArray("findings")) {
            String code = f.getAsJsonObject().get("code").getAsString();
            codes.add(code);
            assertThat(text.out()).contains(code + ": " + f.getAsJsonObject().get("message").getAsString());
        }
        assertThat(codes).containsExactly("jwt.base64.padding", "jwt.base64.alphabet", "jwt.signature.unverified");
        assertThat(o.keySet()).contains("ok", "header", "claims", "findings", "verdicts");
        assertThat(o.getAsJsonArray("findings").get(0).getAsJsonObject().get("severity").getAsString())
                .isEqualTo("warning");
        String golden = Files.readString(Path.of("src/test/resources/golden/check-seed1.json"));
        assertThat(JsonParser.parseString(json.out())).isEqualTo(JsonParser.parseString(golden));
    }

    @Test
    void tokenFromStdinDashAndFile() throws IOException {
        String token = mint("rsa2048_pkcs1.pem");
        Path file = Files.createTempFile("token", ".txt");
        Files.writeString(file, token + "\n");
        assertThat(CliRun.run("check", "@" + file, "--project", "my-project").exitCode()).isZero();
        for (String[] args : new String[][] {{"check", "-", "--project", "my-project"},
                {"check", "--project", "my-project"}}) {
            CommandLine cl = Cli.create(new CliContext(Fixtures.CLOCK, Map.of(), () -> null,
                    () -> new ByteArrayInputStream((token + "\n").getBytes(StandardCharsets.US_ASCII))));
            StringWriter out = new StringWriter();
            cl.setOut(new PrintWriter(out));
            assertThat(cl.execute(args)).as(out.toString()).isZero();
            assertThat(out.toString()).contains("\"aud\":\"my-project\"");
        }
    }

    @Test
    void aPrivateKeyShowsTheCorrectToken() {
        String token = mint("rsa2048_pkcs1.pem");
        CliRun r = CliRun.run("check", token.replace('-', '+').replace('_', '/'), "--key",
                Fixtures.key("rsa2048_pkcs1.pem").toString(), "--project", "my-project");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("Correct token for the same header and claims:").contains(token);
    }

    @Test
    void unusableKeyFilesExitThree() {
        String token = mint("rsa2048_pkcs1.pem");
        CliRun r = CliRun.run("check", token, "--public-key", Fixtures.key("junk.bin").toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("junk.bin").contains("neither PEM nor DER");
        CliRun missing = CliRun.run("check", "@/no/such/token.txt");
        assertThat(missing.exitCode()).isEqualTo(3);
        assertThat(missing.err()).contains("/no/such/token.txt: no such file");
    }

    @Test
    void strictTurnsPaddingIntoAnError() {
        String token = mint("rsa2048_pkcs1.pem");
        String padded = token + "==";
        CliRun lenient = CliRun.run("check", padded, "--project", "my-project", "--format", "json");
        CliRun strict = CliRun.run("check", padded, "--project", "my-project", "--strict", "--format", "json");
        assertThat(strict.exitCode()).isEqualTo(1);
        JsonArray verdicts = JsonParser.parseString(lenient.out()).getAsJsonObject().getAsJsonArray("verdicts");
        assertThat(verdicts.get(0).getAsJsonObject().get("judge").getAsString()).isEqualTo("google");
    }

    @Test
    void usageErrors() {
        assertThat(CliRun.run("check", "x", "--skew", "-5m").exitCode()).isEqualTo(2);
        assertThat(CliRun.run("check", "x", "--now", "tomorrow").err()).contains("'tomorrow' is not a time");
        assertThat(CliRun.run("check", "x", "--format", "yaml").exitCode()).isEqualTo(2);
    }
}
