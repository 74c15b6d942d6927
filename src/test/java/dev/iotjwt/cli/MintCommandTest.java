package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iotjwt mint} through the real command line: output, exit codes and one-line errors. */
class MintCommandTest {

    private static String key(String name) {
        return Fixtures.key(name).toString();
    }

    @Test
    void printsTheTokenAndANewlineAndNothingElse() throws Exception {
        CliRun r = CliRun.run("mint", "--key", key("p256_sec1_params.pem"), "--project", "my-project");
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\n");
        SignedJWT jwt = SignedJWT.parse(r.out().strip());
        assertThat(jwt.verify(new ECDSAVerifier((ECPublicKey) Fixtures.jdkPublicKey("p256_public.der", "EC"))))
                .isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(Fixtures.NOW);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(Fixtures.NOW.plusSeconds(3600));
    }

    @Test
    void jsonFormatCarriesTokenHeaderAndClaims() {
        CliRun r = CliRun.run("mint", "--key", key("rsa2048_pkcs1.pem"), "--project", "p", "--ttl", "20m",
                "--iat", "1795600800", "--claim", "n=5", "--claim", "sub=device-1", "--format", "json");
        assertThat(r.exitCode()).isZero();
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertThat(o.keySet()).containsExactly("token", "header", "claims");
        assertThat(o.getAsJsonObject("header").toString()).isEqualTo("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        assertThat(o.getAsJsonObject("claims").toString())
                .isEqualTo("{\"iat\":1795600800,\"exp\":1795602000,\"aud\":\"p\",\"n\":5,\"sub\":\"device-1\"}");
    }

    @Test
    void rs256WithFixedIatIsReproducibleAcrossRuns() {
        String[] args = {"mint", "--key", key("rsa2048_pkcs8.der"), "--project", "p", "--iat",
                "2026-11-25T10:00:00Z"};
        assertThat(CliRun.run(args).out()).isEqualTo(CliRun.run(args).out());
    }

    @Test
    void passwordComesFromAnEnvironmentVariable() {
        CliRun r = CliRun.run(Map.of("KEY_PW", Fixtures.PASSWORD), "mint", "--key", key("p256_pkcs8_enc.der"),
                "--key-password-env", "KEY_PW", "--project", "p");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rsa2048_cert.pem | is an X.509 certificate (PEM, RSA 2048 key), not a private key",
            "p256_public.pem | is an EC P-256 (prime256v1) public key (SubjectPublicKeyInfo, PEM), not a private key",
            "rsa2048_public_pkcs1.pem | is an RSA 2048 public key (PKCS#1 RSAPublicKey, PEM), not a private key",
            "rsa2048_pkcs8_enc.pem | encrypted PKCS#8 private key and no password was given",
            "rsa2048_pkcs1_legacy_enc.pem | legacy OpenSSL-encrypted RSA PRIVATE KEY and no password was given",
            "empty.pem | is empty",
            "truncated_no_end.pem | has no -----END PRIVATE KEY----- line; the file is truncated",
            "truncated_body.pem | is not valid DER: truncated",
            "truncated.der | is not valid DER: truncated",
            "corrupt_base64.pem | has a character that is not base64",
            "junk.bin | is binary data that is neither PEM nor DER",
            "not_a_key.txt | is text without a PEM block",
            "rsa1024_pkcs1.pem | is an RSA 1024 key; RS256 needs at least 2048 bits",
            "p384_sec1.pem | is an EC key on P-384 (secp384r1); ES256 needs P-256",
            "secp256k1_sec1.pem | on curve secp256k1; IoT Core's ES256 needs P-256",
            "ed25519_pkcs8.pem | is an Ed25519 private key; IoT Core accepts only RSA (RS256) and EC P-256 (ES256)",
            "does-not-exist.pem | no such file",
    })
    void badKeysExitThreeWithOneLineNamingTheFile(String file, String fragment) {
        CliRun r = CliRun.run("mint", "--key", key(file), "--project", "p");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        String first = r.err().lines().findFirst().orElseThrow();
        assertThat(first).startsWith("iotjwt: ").contains(file).contains(fragment);
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void wrongPasswordIsExitThree() throws IOException {
        Path wrong = Files.createTempFile("pw", ".txt");
        Files.writeString(wrong, "not-the-password\n");
        for (String file : new String[] {"rsa2048_pkcs8_enc.pem", "p256_pkcs8_enc.der", "rsa2048_pkcs1_legacy_enc.pem",
                "p256_sec1_legacy_enc.pem"}) {
            CliRun r = CliRun.run("mint", "--key", key(file), "--key-password-file", wrong.toString(),
                    "--project", "p");
            assertThat(r.exitCode()).as(file + ": " + r.err()).isEqualTo(3);
            assertThat(r.err()).contains(file).contains("wrong password").doesNotContain("not-the-password");
        }
    }

    @Test
    void aDirectoryIsExitThree() {
        CliRun r = CliRun.run("mint", "--key", Fixtures.keys().toString(), "--project", "p");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("is a directory");
    }

    @Test
    void algThatDoesNotFitTheKeyIsExitThree() {
        CliRun r = CliRun.run("mint", "--key", key("p256_sec1.pem"), "--project", "p", "--alg", "RS256");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("RS256 needs an RSA key");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--project p --bogus | unknown option: '--bogus'",
            "--ttl 1h | give --project ID or --aud AUD",
            "--project p --aud q | mutually exclusive",
            "--project p --ttl 25h | over IoT Core's 24 h limit",
            "--project p --ttl 0s | --ttl must be positive",
            "--project p --ttl soon | 'soon' is not a duration",
            "--project p --iat yesterday | 'yesterday' is not a time",
            "--project p --alg HS256 | invalid value for option '--alg'",
            "--project p --claim exp=5 | set iat, exp and aud with",
            "--project p --claim novalue | is not NAME=VALUE",
            "--project p --format xml | invalid value for option '--format'",
            "--project '' | --project must not be empty",
    })
    void usageErrorsExitTwo(String args, String fragment) {
        String[] extra = args.replace("''", "").split(" ");
        String[] all = new String[extra.length + 3];
        all[0] = "mint";
        all[1] = "--key";
        all[2] = key("p256_sec1.pem");
        System.arraycopy(extra, 0, all, 3, extra.length);
        if (args.endsWith("''")) {
            all = java.util.Arrays.copyOf(all, all.length + 1);
            all[all.length - 1] = "";
        }
        CliRun r = CliRun.run(all);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("iotjwt: ").contains(fragment).contains("Try 'iotjwt mint --help'");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void longTtlNeedsTheFlag() {
        CliRun r = CliRun.run("mint", "--key", key("p256_sec1.pem"), "--project", "p", "--ttl", "48h",
                "--allow-long-ttl", "--format", "json");
        assertThat(r.exitCode()).isZero();
        JsonObject claims = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("claims");
        assertThat(claims.get("exp").getAsLong() - claims.get("iat").getAsLong()).isEqualTo(48 * 3600);
    }

    @Test
    void helpListsTheExitCodesOnStdout() {
        CliRun r = CliRun.run("mint", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("unusable input").contains("--key-password-file");
        assertThat(r.err()).isEmpty();
    }
}
