package dev.iotjwt.jwt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile tokens, judged as {@code iotjwt check} judges them at the fixed time, with the fixtures' keys: every token
 * ends in a report (never an exception) whose findings are one line each and show no key material, and the report
 * serialises to JSON. The last byte of an input chooses the keys (none, the P-256 private key, the RSA public key,
 * both), the project, strictness and (bit 16) nesting; the rest is the token, or with nesting the text of an aud
 * nested in arrays and objects as deep as the text's length says (0 to 199 levels, on both sides of
 * {@link JwtChecker#MAX_JSON_DEPTH}): mutations rarely build nesting themselves.
 */
class JwtCheckerFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("JwtCheckerFuzzTest.checkToken");
    private static final Gson JSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();
    private static final VerifyKey EC = key("p256_sec1.pem", true);
    private static final VerifyKey RSA = key("rsa2048_public.pem", false);

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void checkToken(FuzzedDataProvider data) {
        STATS.count();
        int mode = data.consumeInt(0, 31);
        String token = data.consumeRemainingAsString();
        if ((mode & 16) != 0) {
            token = nested(token);
        }
        FuzzChecks.input(token);
        List<VerifyKey> keys = new ArrayList<>();
        if ((mode & 1) != 0) {
            keys.add(EC);
        }
        if ((mode & 2) != 0) {
            keys.add(RSA);
        }
        String project = (mode & 4) != 0 ? "my-project" : null;
        boolean strict = (mode & 8) != 0;
        CheckReport report = new JwtChecker().check(new CheckRequest(token, project, keys, Fixtures.NOW,
                Duration.ofMinutes(10), strict));
        if (report.findings() == null || report.verdicts().size() != 2) {
            throw new AssertionError("an incomplete report: " + report);
        }
        if (report.ok() == report.findings().stream().anyMatch(Finding::isError)) {
            throw new AssertionError("ok does not agree with the findings: " + report);
        }
        // a report quotes the token, its decoded header and claims, whatever the device put in them
        String echoed = echoed(token, report);
        for (Finding f : report.findings()) {
            FuzzChecks.oneLine("finding " + f.code(), f.message(), null);
            FuzzChecks.noSecret("finding " + f.code(), f.message(), echoed, null);
            if (f.hint() != null) {
                FuzzChecks.oneLine("the hint of finding " + f.code(), f.hint(), null);
                FuzzChecks.noSecret("the hint of finding " + f.code(), f.hint(), echoed, null);
            }
        }
        FuzzChecks.noSecret("the JSON report", JSON.toJson(report), echoed, null);
    }

    /** A token whose aud is {@code text} nested {@code text.length() % 200} levels deep, arrays and objects mixed. */
    static String nested(String text) {
        int depth = text.length() % 200;
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            boolean object = i < text.length() && (text.charAt(i) & 1) != 0;
            open.append(object ? "{\"a\":" : "[");
            close.insert(0, object ? "}" : "]");
        }
        String claims = "{\"iat\":" + Fixtures.NOW.getEpochSecond() + ",\"exp\":"
                + (Fixtures.NOW.getEpochSecond() + 3600) + ",\"aud\":" + open + new com.google.gson.JsonPrimitive(text)
                + close + "}";
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + "A".repeat(86);
    }

    private static String echoed(String token, CheckReport report) {
        // the correct token re-encodes the header and claims bytes the checker decoded from the device's token (a
        // lenient decoding tokenText cannot repeat: NULs, the standard alphabet, a stray last character)
        String expected = report.expected() == null ? ""
                : report.expected().token().substring(0, report.expected().token().lastIndexOf('.'));
        return FuzzChecks.tokenText(token) + '\n' + JSON.toJson(report.header()) + '\n'
                + JSON.toJson(report.claims()) + '\n' + expected;
    }

    private static VerifyKey key(String name, boolean privateKey) {
        try {
            KeyReader reader = new KeyReader();
            KeyMaterial m = privateKey ? reader.privateKey(Fixtures.key(name), PasswordSource.NONE)
                    : reader.publicKey(Fixtures.key(name), PasswordSource.NONE);
            return new VerifyKey(name, m.type(), m.publicHalf(), m.privateKey());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stats() {
        STATS.report();
    }
}
