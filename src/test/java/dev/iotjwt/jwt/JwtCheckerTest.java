package dev.iotjwt.jwt;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Severity;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.KeyType;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One test (at least) per finding code, with tokens built by the tests and a fixed clock. */
class JwtCheckerTest {
    private static final long NOW = Fixtures.NOW.getEpochSecond();
    private static final String PROJECT = "my-project";

    private final JwtChecker checker = new JwtChecker();
    private final KeyMaterial rsa = load("rsa2048_pkcs8.pem");
    private final KeyMaterial ec = load("p256_pkcs8.pem");

    private static KeyMaterial load(String name) {
        try {
            return new KeyReader().privateKey(Fixtures.key(name), PasswordSource.NONE);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static VerifyKey publicOf(KeyMaterial m) {
        return new VerifyKey(m.source(), m.type(), m.publicHalf(), null);
    }

    private static VerifyKey privateOf(KeyMaterial m) {
        return new VerifyKey(m.source(), m.type(), m.publicHalf(), m.privateKey());
    }

    private CheckReport check(String token, VerifyKey... keys) {
        return checker.check(new CheckRequest(token, PROJECT, List.of(keys), Fixtures.NOW, Duration.ofMinutes(10),
                false));
    }

    private CheckReport checkStrict(String token, VerifyKey... keys) {
        return checker.check(new CheckRequest(token, PROJECT, List.of(keys), Fixtures.NOW, Duration.ofMinutes(10),
                true));
    }

    private static List<String> codes(CheckReport r) {
        return r.findings().stream().map(Finding::code).toList();
    }

    private static Finding finding(CheckReport r, String code) {
        return r.findings().stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError(code + " not in " + codes(r)));
    }

    /** Claims of 61 bytes, so that their base64 text needs '==' padding. */
    private TokenForge goodRs256() {
        return TokenForge.rs256(rsa.privateKey()).claims("{\"iat\":" + (NOW - 60) + ",\"exp\":" + (NOW + 3540)
                + ",\"aud\":\"" + PROJECT + "\",\"n\":12}");
    }

    private TokenForge goodEs256() {
        return TokenForge.es256(ec.privateKey()).claims(NOW - 60, NOW + 3540, PROJECT);
    }

    @Test
    void aTokenFromMintIsCleanAndSaysWhichKeyVerifiedIt() {
        MintedToken t = new JwtMinter().mint(new MintRequest(ec.privateKey(), JwtAlg.ES256, PROJECT, Fixtures.NOW,
                Duration.ofHours(1), Map.of()));
        CheckReport r = check(t.token(), publicOf(rsa), publicOf(ec));
        assertThat(r.findings()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.signature().verified()).isTrue();
        assertThat(r.signature().verifiedWith()).isEqualTo(ec.source());
        assertThat(r.signature().fingerprint()).isEqualTo(publicOf(ec).fingerprint()).hasSize(64);
        assertThat(r.verdicts()).allMatch(CheckReport.Verdict::accepted);
    }

    @Test
    void seedTokenOneReportsPaddingAndStandardAlphabet() {
        String seed = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJoNG5oNDQtMSIsImV4cCI6MTYzMDQyMTE3OCwiaWF0Ijox"
                + "NjMwNDIwODc4fQ==.SbNIiu23b0w9udd8jlICsW/cQqsbMgKvzQlSmga8mseI3hVAwW001YQ9QmLPc7Y3z8bE8ndYJXE3lO4UA39M"
                + "4D6G/KyrybRnzQkFfevRm4qw8NekOsENPEse25YGNpzydKcVHvomHMBm8r797ApH2Z0Xs3FD2e+EgnS3GkQ4bYVxscMmDFqd/m5IWJ"
                + "Pz8mZiwuN3+LXK2gVOF798wObXY7L7q8EWycV2QbeDOQlEkVyG1SFTwudM0Y+Geppsli5uUrscEq5ipT/rgIaIFuqUcvykH9IZm/s"
                + "LHXh54UYIkaAlHdzGyWTr+50cV4X+9ZWwTcfQdrRcECKIsSgeC/JyHw==";
        CheckReport r = checker.check(new CheckRequest(seed, "h4nh44-1", List.of(),
                Instant.ofEpochSecond(1630420900), Duration.ofMinutes(10), false));
        assertThat(codes(r)).containsExactly("jwt.base64.padding", "jwt.base64.alphabet", "jwt.signature.unverified");
        assertThat(finding(r, "jwt.base64.padding").message()).contains("claims and signature segments");
        assertThat(r.claims().get("aud").getAsString()).isEqualTo("h4nh44-1");
        assertThat(r.times().lifetime()).isEqualTo("5 m");
    }

    @Test
    void seedTokenTwoDecodesCleanlyWithItsTimes() {
        String seed = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJoNG5oNDQtMSIsImV4cCI6MTYzMDc3OTU1NiwiaWF0Ijox"
                + "NjMwNzcyMzU2fQ.rRBufIU9bdx0gQzckMW-QfIRqzfLruCst27_mIPviDyYkZbIgG10RM3xcKv-n8XY6fKgZrsa56MuoBdg0FX61mi"
                + "3e9Qbh7f9lD53YDZgienf38qCmArXBgD3O2zwJyt1dnDRqc87fhDdBIsvoYfqnI4EPZyUUElu8UVAX8gVQcorpciHbgoWJjDP1qD"
                + "K-P7K_ViLNcirj8oXQ7GOabFoEAcLJ3Nnw21FRw19w2ddbvR-h4HuIUC4QYop2CljGMMyRKUeRzGaxD9vQ7x3r56xy_fHPKeRyug"
                + "np6BvZl8KVy0yN9dxdLutbCn9p4rJn6VdtthY4YPO2q7DY7xiE1-teg";
        CheckReport r = checker.check(new CheckRequest(seed, "h4nh44-1", List.of(),
                Instant.ofEpochSecond(1630772356 + 30), Duration.ofMinutes(10), true));
        assertThat(codes(r)).containsExactly("jwt.signature.unverified");
        assertThat(r.ok()).isTrue();
        assertThat(r.times().iat().utc()).isEqualTo("2021-09-04T16:19:16Z");
        assertThat(r.times().exp().utc()).isEqualTo("2021-09-04T18:19:16Z");
        assertThat(r.times().lifetime()).isEqualTo("2 h");
    }

    @Test
    void malformedStructureSaysWhichSegmentAndWhy() {
        assertThat(finding(check("abc.def"), "jwt.malformed").message()).contains("2 segments");
        String notJson = enc("{\"alg\":\"RS256\"") + "." + enc("{\"iat\":1}") + ".c2ln";
        assertThat(finding(check(notJson), "jwt.malformed").message()).contains("header segment is not valid JSON");
        String array = enc("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + enc("[1,2]") + ".c2ln";
        assertThat(finding(check(array), "jwt.malformed").message()).contains("claims segment is JSON but not an object");
        assertThat(finding(check("e*J.abc.def"), "jwt.malformed").message()).contains("'*' at position 1");
        assertThat(check("").ok()).isFalse();
    }

    @Test
    void paddingIsAWarningForGoogleAndAnErrorUnderStrictRules() {
        String token = goodRs256().padded().build();
        CheckReport lenient = check(token, publicOf(rsa));
        assertThat(finding(lenient, "jwt.base64.padding").severity()).isEqualTo(Severity.WARNING);
        assertThat(lenient.ok()).isTrue();
        assertThat(lenient.signature().verified()).as("signed over the padded text it sends").isTrue();
        CheckReport strict = checkStrict(token, publicOf(rsa));
        assertThat(finding(strict, "jwt.base64.padding").severity()).isEqualTo(Severity.ERROR);
        assertThat(strict.ok()).isFalse();
        assertThat(strict.verdicts()).extracting(CheckReport.Verdict::accepted).containsExactly(true, false);
    }

    @Test
    void standardAlphabetIsAnError() {
        CheckReport r = check(goodRs256().standardAlphabet().build(), publicOf(rsa));
        assertThat(finding(r, "jwt.base64.alphabet").severity()).isEqualTo(Severity.ERROR);
        assertThat(r.claims().get("aud").getAsString()).as("claims still decoded").isEqualTo(PROJECT);
    }

    @Test
    void whitespaceInsideIsAFindingButAroundIsTrimmedSilently() {
        String token = goodRs256().build();
        assertThat(check("  \n" + token + "\r\n", publicOf(rsa)).findings()).isEmpty();
        String broken = token.substring(0, 40) + "\n" + token.substring(40);
        CheckReport r = check(broken, publicOf(rsa));
        assertThat(finding(r, "jwt.base64.whitespace").message()).contains("a newline, at position 40");
    }

    @Test
    void headerAlgAndTyp() {
        String hs = goodRs256().header("{\"alg\":\"HS256\",\"typ\":\"JWT\"}").build();
        assertThat(finding(check(hs), "jwt.header.alg").message()).contains("'HS256'");
        String none = goodRs256().header("{\"alg\":\"none\"}").build();
        CheckReport r = check(none);
        assertThat(finding(r, "jwt.header.alg").message()).contains("unsigned");
        // info since issue 13: IoT Core took tokens without typ (Google's Java sample, jjwt 0.9.1, writes none)
        assertThat(finding(r, "jwt.header.typ").severity()).isEqualTo(Severity.INFO);
        assertThat(finding(checkStrict(none), "jwt.header.typ").severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void critIsRefusedAndNestingIsBoundedInHeaderAndClaims() {
        CheckReport crit = check(goodRs256().header("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"crit\":[]}").build(),
                publicOf(rsa));
        assertThat(finding(crit, "jwt.header.crit").severity()).isEqualTo(Severity.ERROR);
        assertThat(finding(crit, "jwt.header.crit").message()).contains("empty crit");
        CheckReport deep = check(goodRs256().header("{\"alg\":\"RS256\",\"x\":" + "[".repeat(70)
                + "]".repeat(70) + "}").build(), publicOf(rsa));
        assertThat(finding(deep, "jwt.malformed").message()).contains("header segment nests arrays and objects 71"
                + " levels deep");
        assertThat(deep.header()).isNull();
        assertThat(JwtChecker.depth("{\"a\":\"[[[[\\\"[[\",\"b\":[{}]}")).isEqualTo(3);
    }

    @Test
    void missingClaims() {
        CheckReport r = check(goodRs256().claims("{\"iat\":" + NOW + "}").build(), publicOf(rsa));
        assertThat(r.findings()).filteredOn(f -> f.code().equals("jwt.claim.missing")).hasSize(2);
    }

    @Test
    void stringClaimsAsGooglesCSampleWroteThem() {
        String token = goodRs256().claims("{\"iat\":\"" + NOW + "\",\"exp\":\"" + (NOW + 3600) + "\",\"aud\":\""
                + PROJECT + "\"}").build();
        CheckReport r = check(token, publicOf(rsa));
        assertThat(r.findings()).filteredOn(f -> f.code().equals("jwt.claim.type")).hasSize(2)
                .allMatch(f -> f.severity() == Severity.WARNING);
        assertThat(r.times().lifetime()).as("string values still judged").isEqualTo("1 h");
        assertThat(checkStrict(token, publicOf(rsa)).ok()).isFalse();
        String fraction = goodRs256().claims("{\"iat\":" + NOW + ".5,\"exp\":" + (NOW + 60) + ",\"aud\":\"" + PROJECT
                + "\"}").build();
        assertThat(finding(check(fraction), "jwt.claim.type").message()).contains("not a whole number");
    }

    @Test
    void iatInTheFutureBeyondSkew() {
        CheckReport r = check(goodRs256().claims(NOW + 3600, NOW + 7200, PROJECT).build(), publicOf(rsa));
        assertThat(finding(r, "jwt.iat.future").message()).contains("1 h ahead");
        assertThat(codes(check(goodRs256().claims(NOW + 300, NOW + 3600, PROJECT).build()))).doesNotContain(
                "jwt.iat.future");
    }

    @Test
    void iatIn1970MeansTheClockWasNeverSet() {
        CheckReport r = check(goodRs256().claims(5, 3605, PROJECT).build(), publicOf(rsa));
        assertThat(finding(r, "jwt.iat.unset-clock").message()).contains("1970-01-01T00:00:05Z");
        assertThat(codes(r)).contains("jwt.exp.expired");
    }

    @Test
    void expiredSaysHowLongAgo() {
        CheckReport r = check(goodRs256().claims(NOW - 7200, NOW - 3600, PROJECT).build(), publicOf(rsa));
        assertThat(finding(r, "jwt.exp.expired").message()).contains("1 h ago");
        CheckReport withinSkew = check(goodRs256().claims(NOW - 3600, NOW - 60, PROJECT).build(), publicOf(rsa));
        assertThat(finding(withinSkew, "jwt.exp.expired").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void lifetimeOver24hPlusSkew() {
        CheckReport r = check(goodRs256().claims(NOW, NOW + 48 * 3600, PROJECT).build(), publicOf(rsa));
        assertThat(finding(r, "jwt.lifetime.too-long").message()).contains("2 d");
        assertThat(codes(check(goodRs256().claims(NOW, NOW + 24 * 3600 + 300, PROJECT).build())))
                .doesNotContain("jwt.lifetime.too-long");
        assertThat(codes(check(goodRs256().claims(NOW, NOW - 10, PROJECT).build()))).contains("jwt.lifetime.negative");
    }

    @Test
    void audMustBeExactlyTheProjectString() {
        assertThat(finding(check(goodRs256().claims(NOW, NOW + 60, "My-Project").build()), "jwt.aud.mismatch")
                .message()).contains("differ only in case");
        String array = goodRs256().claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60) + ",\"aud\":[\"" + PROJECT
                + "\"]}").build();
        assertThat(finding(check(array), "jwt.aud.mismatch").message()).contains("array");
    }

    @Test
    void signatureByAnotherKeyListsTheFingerprintsTried() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair other = g.generateKeyPair();
        String token = TokenForge.rs256(other.getPrivate()).claims(NOW, NOW + 60, PROJECT).build();
        CheckReport r = check(token, publicOf(rsa));
        assertThat(finding(r, "jwt.signature.invalid").message()).contains(rsa.source())
                .contains(publicOf(rsa).fingerprint().substring(0, 16));
        assertThat(r.signature().tried()).containsExactly(publicOf(rsa).fingerprint());
    }

    @Test
    void derEncodedEs256SignatureSaysTheSignatureItselfIsValid() {
        String token = goodEs256().derSignature().build();
        CheckReport r = check(token, publicOf(ec));
        Finding f = finding(r, "jwt.signature.der-encoded");
        assertThat(f.message()).contains("ASN.1 DER").contains("only the encoding is wrong");
        assertThat(codes(r)).doesNotContain("jwt.signature.invalid", "jwt.signature.length");
        assertThat(r.signature().encoding()).isEqualTo("DER");
        assertThat(finding(check(token), "jwt.signature.der-encoded").message()).as("also without a key")
                .contains("DER");
        TokenForge otherKey = TokenForge.es256(generateEc()).claims(NOW - 60, NOW + 3540, PROJECT).derSignature();
        assertThat(finding(check(otherKey.build(), publicOf(ec)), "jwt.signature.der-encoded").message())
                .contains("does not verify either");
    }

    @Test
    void signatureOfTheWrongLength() {
        String token = goodEs256().build();
        String cut = token.substring(0, token.length() - 10);
        assertThat(finding(check(cut, publicOf(ec)), "jwt.signature.length").message()).contains("must be 64");
        String rs = goodRs256().build();
        assertThat(finding(check(rs.substring(0, rs.length() - 20), publicOf(rsa)), "jwt.signature.length")
                .message()).contains("256-byte");
    }

    @Test
    void signatureOverPlausibleWrongInputsNamesTheVariant() {
        Map<String, java.util.function.Function<String, byte[]>> cases = Map.of(
                "padded base64url", s -> padded(s),
                "raw JSON", s -> rawJson(s),
                "trailing NUL", s -> (s + "\0").getBytes(StandardCharsets.US_ASCII),
                "trailing newline", s -> (s + "\n").getBytes(StandardCharsets.US_ASCII),
                "standard alphabet", s -> standard(s));
        for (var c : cases.entrySet()) {
            String token = goodRs256().claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60) + ",\"aud\":\"" + PROJECT
                    + "\",\"s\":\"???>>>\"}").signOver(c.getValue()).build();
            CheckReport r = check(token, publicOf(rsa));
            assertThat(finding(r, "jwt.signature.wrong-input").message()).as(c.getKey()).contains(c.getKey());
            assertThat(codes(r)).as(c.getKey()).doesNotContain("jwt.signature.invalid");
        }
    }

    @Test
    void noKeyMeansUnverifiedInfo() {
        Finding f = finding(check(goodRs256().build()), "jwt.signature.unverified");
        assertThat(f.severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void algThatDoesNotFitTheRegisteredKey() {
        CheckReport r = check(goodRs256().build(), publicOf(ec));
        assertThat(finding(r, "jwt.key.alg-mismatch").message()).contains("RS256").contains("EC P-256");
    }

    @Test
    void withAPrivateKeyTheCorrectTokenAndFirstDifferenceAreShown() {
        String token = goodRs256().padded().build();
        CheckReport r = check(token, privateOf(rsa));
        assertThat(r.expected().firstDifference()).isEqualTo("claims");
        assertThat(r.expected().token()).doesNotContain("=");
        assertThat(new JwtChecker().check(new CheckRequest(r.expected().token(), PROJECT, List.of(publicOf(rsa)),
                Fixtures.NOW, Duration.ofMinutes(10), true)).findings()).isEmpty();
        assertThat(check(goodRs256().build(), privateOf(rsa)).expected().firstDifference()).isNull();
    }

    private static PrivateKey generateEc() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair().getPrivate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[][] parts(String input) {
        String[] p = input.split("\\.");
        return new byte[][] {Base64.getUrlDecoder().decode(p[0]), Base64.getUrlDecoder().decode(p[1])};
    }

    private static byte[] padded(String input) {
        byte[][] p = parts(input);
        return (Base64.getUrlEncoder().encodeToString(p[0]) + "." + Base64.getUrlEncoder().encodeToString(p[1]))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] standard(String input) {
        byte[][] p = parts(input);
        return (Base64.getEncoder().encodeToString(p[0]) + "." + Base64.getEncoder().encodeToString(p[1]))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] rawJson(String input) {
        byte[][] p = parts(input);
        return (new String(p[0], StandardCharsets.UTF_8) + "." + new String(p[1], StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
    }
}
