package dev.iotjwt.jwt;

import com.google.gson.JsonParser;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every key format mints a token that an independent JOSE library (Nimbus) verifies. */
class JwtMinterTest {
    private static final PasswordSource PASSWORD = Fixtures.PASSWORD_SOURCE;

    private final KeyReader reader = new KeyReader();
    private final JwtMinter minter = new JwtMinter();

    @ParameterizedTest
    @ValueSource(strings = {"rsa2048_pkcs1.pem", "rsa2048_pkcs1.der", "rsa2048_pkcs8.pem", "rsa2048_pkcs8.der",
            "rsa2048_pkcs8_enc.pem", "rsa2048_pkcs8_enc.der", "rsa2048_pkcs8_enc_3des.pem",
            "rsa2048_pkcs1_legacy_enc.pem", "rsa2048_pkcs1_legacy_des3.pem", "rsa2048_pkcs8_text_around.pem",
            "rsa2048_pkcs1_bom.pem"})
    void rsaKeysInEveryFormatMintRs256ThatNimbusVerifies(String file) throws Exception {
        MintedToken t = mint(file, JwtAlg.RS256);
        SignedJWT jwt = SignedJWT.parse(t.token());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAPublicKey pub = (RSAPublicKey) Fixtures.jdkPublicKey("rsa2048_public.der", "RSA");
        assertThat(jwt.verify(new RSASSAVerifier(pub))).isTrue();
        assertIotCoreShape(t, "RS256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"p256_sec1.pem", "p256_sec1.der", "p256_sec1_params.pem", "p256_sec1_crlf.pem",
            "p256_sec1_nopub.pem", "p256_pkcs8.pem", "p256_pkcs8.der", "p256_pkcs8_enc.pem", "p256_pkcs8_enc.der",
            "p256_sec1_legacy_enc.pem", "p256_cert_and_key.pem"})
    void ecKeysInEveryFormatMintEs256ThatNimbusVerifies(String file) throws Exception {
        MintedToken t = mint(file, JwtAlg.ES256);
        SignedJWT jwt = SignedJWT.parse(t.token());
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        ECPublicKey pub = (ECPublicKey) Fixtures.jdkPublicKey("p256_public.der", "EC");
        assertThat(jwt.verify(new ECDSAVerifier(pub))).isTrue();
        byte[] signature = Base64.getUrlDecoder().decode(t.token().split("\\.")[2]);
        assertThat(signature).as("raw R||S, not DER").hasSize(64);
        assertIotCoreShape(t, "ES256");
    }

    @Test
    void rs256WithAFixedIatIsByteForByteReproducible() throws Exception {
        assertThat(mint("rsa2048_pkcs1.pem", JwtAlg.RS256).token())
                .isEqualTo(mint("rsa2048_pkcs8.der", JwtAlg.RS256).token());
    }

    @Test
    void extraClaimsKeepTheirJsonTypes() throws Exception {
        KeyMaterial key = reader.privateKey(Fixtures.key("p256_pkcs8.pem"), PasswordSource.NONE);
        MintedToken t = minter.mint(new MintRequest(key.privateKey(), JwtAlg.ES256, "my-project", Fixtures.NOW,
                Duration.ofMinutes(20), Map.of("n", ClaimValues.parse("5"), "s", ClaimValues.parse("device-1"),
                "o", ClaimValues.parse("{\"a\":[1,2.5]}"))));
        assertThat(t.claims().get("n").getAsJsonPrimitive().isNumber()).isTrue();
        assertThat(t.claims().get("n").toString()).isEqualTo("5");
        assertThat(t.claims().get("s").getAsString()).isEqualTo("device-1");
        assertThat(t.claims().get("o").toString()).isEqualTo("{\"a\":[1,2.5]}");
        assertThat(t.claims().get("exp").getAsLong() - t.claims().get("iat").getAsLong()).isEqualTo(1200);
    }

    private MintedToken mint(String file, JwtAlg alg) throws Exception {
        KeyMaterial key = reader.privateKey(Fixtures.key(file), PASSWORD);
        return minter.mint(new MintRequest(key.privateKey(), alg, "my-project", Fixtures.NOW, Duration.ofHours(1),
                Map.of()));
    }

    private static void assertIotCoreShape(MintedToken t, String alg) {
        String token = t.token();
        assertThat(token).doesNotContain("=").doesNotContain("+").doesNotContain("/");
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        String[] parts = token.split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}");
        var claims = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(claims.get("iat").toString()).isEqualTo(String.valueOf(Fixtures.NOW.getEpochSecond()));
        assertThat(claims.get("exp").toString()).isEqualTo(String.valueOf(Fixtures.NOW.getEpochSecond() + 3600));
        assertThat(claims.get("aud").getAsString()).isEqualTo("my-project");
    }
}
