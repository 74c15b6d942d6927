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

    // ---- issue 13 ----

    private static final long NOW = Fixtures.NOW.getEpochSecond();

    private static java.security.PrivateKey ecKey() {
        try {
            return new dev.iotjwt.keys.KeyReader().privateKey(Fixtures.key("p256_sec1.pem"),
                    dev.iotjwt.keys.PasswordSource.NONE).privateKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String s) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A forged token: any header and claims, a signature that is 64 zero bytes. */
    private static String forged(String header, String claims) {
        return b64(header) + "." + b64(claims) + "." + "A".repeat(86);
    }

    private static final String ES = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";

    private static JsonObject json(CliRun r) {
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private static List<String> codes(JsonObject report, String severity) {
        List<String> out = new ArrayList<>();
        for (JsonElement f : report.getAsJsonArray("findings")) {
            if (severity == null || f.getAsJsonObject().get("severity").getAsString().equals(severity)) {
                out.add(f.getAsJsonObject().get("code").getAsString());
            }
        }
        return out;
    }

    @Test
    void theCorrectTokenIsShownOnlyForClaimsMintSignsByDefault() {
        String key = Fixtures.key("p256_sec1.pem").toString();
        String longLived = forged(ES, "{\"iat\":" + NOW + ",\"exp\":4102444800,\"aud\":\"my-project\",\"admin\":true}");
        CliRun text = CliRun.run("check", longLived, "--key", key, "--project", "my-project");
        assertThat(text.exitCode()).isEqualTo(1);
        assertThat(text.out()).doesNotContain("Correct token").contains("the correct token is not shown")
                .contains("--allow-long-ttl");
        CliRun json = CliRun.run("check", longLived, "--key", key, "--format", "json");
        assertThat(json(json).get("expected").isJsonNull()).isTrue();
        assertThat(json(json).get("expectedWithheld").getAsString()).contains("over 24 h");
        String expiredLongAgo = forged(ES, "{\"iat\":" + (NOW - 30 * 86400) + ",\"exp\":" + (NOW - 30 * 86400 + 3600)
                + ",\"aud\":\"my-project\"}");
        assertThat(json(CliRun.run("check", expiredLongAgo, "--key", key, "--format", "json"))
                .get("expectedWithheld").getAsString()).contains("expired");
        String future = forged(ES, "{\"iat\":" + (NOW + 7 * 86400) + ",\"exp\":" + (NOW + 7 * 86400 + 3600)
                + ",\"aud\":\"my-project\"}");
        assertThat(json(CliRun.run("check", future, "--key", key, "--format", "json"))
                .get("expectedWithheld").getAsString()).contains("in the future");
        String noExp = forged(ES, "{\"iat\":" + NOW + ",\"aud\":\"my-project\"}");
        assertThat(CliRun.run("check", noExp, "--key", key).out()).doesNotContain("Correct token")
                .contains("no usable exp");
        // claims mint would sign: the correct token is shown, nothing is withheld
        String fresh = forged(ES, "{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-project\"}");
        CliRun shown = CliRun.run("check", fresh, "--key", key, "--format", "json");
        assertThat(json(shown).get("expected").getAsJsonObject().get("token").getAsString())
                .startsWith(fresh.substring(0, fresh.lastIndexOf('.')));
        assertThat(json(shown).get("expectedWithheld").isJsonNull()).isTrue();
    }

    @Test
    void aCritHeaderIsRefusedWithItsOwnCode() {
        String claims = "{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-project\"}";
        for (String header : List.of("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"crit\":[\"x-device\"],\"x-device\":1}",
                "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"b64\":false,\"crit\":[\"b64\"]}",
                "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"crit\":[]}")) {
            String token = dev.iotjwt.testsupport.TokenForge.es256(ecKey()).header(header).claims(claims).build();
            CliRun r = CliRun.run("check", token, "--project", "my-project", "--public-key",
                    Fixtures.key("p256_public.pem").toString(), "--format", "json");
            assertThat(r.exitCode()).as(header).isEqualTo(1);
            assertThat(codes(json(r), "error")).as(header).containsExactly("jwt.header.crit");
            assertThat(CliRun.run("check", token, "--key", Fixtures.key("p256_sec1.pem").toString()).out())
                    .contains("jwt.header.crit").doesNotContain("Correct token");
        }
    }

    @Test
    void deeplyNestedJsonIsAFindingNotAStackOverflow() {
        String claims = "{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":" + "[".repeat(20_000)
                + "]".repeat(20_000) + "}";
        String token = forged(ES, claims);
        assertThat(token.length()).isGreaterThan(50_000);
        CliRun r = CliRun.run("check", token, "--project", "my-project");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out() + r.err()).doesNotContain("StackOverflowError").doesNotContain("internal error");
        assertThat(r.out()).contains("jwt.malformed: the claims segment nests arrays and objects 20001 levels deep;"
                + " at most 64 are read");
        CliRun json = CliRun.run("check", forged("[".repeat(5000) + "]".repeat(5000), claims), "--format", "json");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(codes(json(json), "error")).contains("jwt.malformed");
        // 64 levels are still read
        String deepButBounded = forged(ES, "{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":"
                + "[".repeat(63) + "]".repeat(63) + "}");
        assertThat(CliRun.run("check", deepButBounded).out()).doesNotContain("levels deep");
    }

    /** The token with the unused low bits of its signature's last character set. */
    private static String nonCanonical(String token) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    }

    @Test
    void nonCanonicalBase64IsAWarningAndAnErrorUnderStrict() {
        String token = mint("p256_sec1.pem");
        String odd = nonCanonical(token);
        assertThat(odd).isNotEqualTo(token);
        String pub = Fixtures.key("p256_public.pem").toString();
        CliRun lenient = CliRun.run("check", odd, "--project", "my-project", "--public-key", pub, "--format", "json");
        assertThat(lenient.exitCode()).as(lenient.out()).isZero();
        assertThat(codes(json(lenient), "warning")).containsExactly("jwt.base64.non-canonical");
        assertThat(json(lenient).getAsJsonObject("signature").get("verified").getAsBoolean()).isTrue();
        CliRun strict = CliRun.run("check", odd, "--project", "my-project", "--public-key", pub, "--strict");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.out()).contains("✖ error jwt.base64.non-canonical: the last character of the signature"
                + " segment sets unused low bits");
        assertThat(CliRun.run("check", token, "--project", "my-project", "--public-key", pub, "--strict")
                .exitCode()).isZero();
    }

    @Test
    void aTokenWhoseHeaderDoesNotStartWithEyIsElidedToo() {
        String token = dev.iotjwt.testsupport.TokenForge.es256(ecKey()).header(" " + ES)
                .claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-project\"}").build();
        assertThat(token).startsWith("IHsi");
        String signature = token.substring(token.lastIndexOf('.') + 1);
        CliRun r = CliRun.run("check", "x", token);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).doesNotContain(signature).contains(token.substring(0, 12));
    }

    @Test
    void c1ControlCharactersInTheHeaderAndClaimsAreEscaped() {
        String token = forged("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"a\u009b31mb\"}", "{\"iat\":" + NOW
                + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-\u0085project\\u0001\"}");
        CliRun r = CliRun.run("check", token, "--project", "my-project");
        String header = r.out().lines().filter(l -> l.startsWith("Header")).findFirst().orElseThrow();
        String claims = r.out().lines().filter(l -> l.startsWith("Claims")).findFirst().orElseThrow();
        assertThat(header).contains("a\\u009b31mb").doesNotContain("\u009b");
        assertThat(claims).contains("my-\\u0085project\\u0001").doesNotContain("\u0085");
        assertThat(r.out()).doesNotContain("\u009b").doesNotContain("\u0085");
    }

    @Test
    void aMissingTypIsInformationEvenUnderStrict() {
        // Google's Java sample (jjwt 0.9.1) made tokens without typ, and IoT Core took them
        String token = dev.iotjwt.testsupport.TokenForge.es256(ecKey()).header("{\"alg\":\"ES256\"}")
                .claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-project\"}").build();
        String pub = Fixtures.key("p256_public.pem").toString();
        for (boolean strict : new boolean[] {false, true}) {
            List<String> args = new ArrayList<>(List.of("check", token, "--public-key", pub, "--format", "json"));
            if (strict) {
                args.add("--strict");
            }
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).isZero();
            assertThat(codes(json(r), "info")).contains("jwt.header.typ");
            assertThat(codes(json(r), "warning")).isEmpty();
        }
    }
}
