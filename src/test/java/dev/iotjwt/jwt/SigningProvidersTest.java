package dev.iotjwt.jwt;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The signers {@code mint --batch} falls back to where the native provider does not load: Bouncy Castle for ES256,
 * the JDK for RS256. This machine loads the native one, so the fallback is built on purpose; an independent library
 * (Nimbus) checks what they sign.
 */
class SigningProvidersTest {
    @Test
    void withoutTheNativeProviderEs256IsBouncyCastleAndRs256TheJdk() throws Exception {
        SigningProviders fallback = SigningProviders.withoutNative("not on this platform (test)");
        assertThat(fallback.forAlg(JwtAlg.ES256).getName()).isEqualTo("BC");
        assertThat(fallback.forAlg(JwtAlg.RS256)).as("the JDK's default").isNull();
        assertThat(fallback.describe()).isEqualTo("signing ES256 with Bouncy Castle and RS256 with the JDK (the native"
                + " provider did not load: not on this platform (test))");
        // a key is converted into Bouncy Castle's own representation once, for ES256 only
        var ec = new dev.iotjwt.keys.KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE);
        assertThat(fallback.translate(ec.privateKey(), JwtAlg.ES256).getClass().getName()).contains("bouncycastle");
    }

    @Test
    void tokensSignedByTheFallbackVerifyWithAnIndependentLibrary() throws Exception {
        List<BatchMinter.Device> devices = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            devices.add(new BatchMinter.Device(i + 1, "dev-" + i, Fixtures.key(i % 2 == 0 ? "p256_sec1.pem"
                    : "rsa2048_pkcs1.pem"), "proj", null, null, null));
        }
        List<BatchMinter.Result> results = new ArrayList<>();
        BatchMinter minter = new BatchMinter(SigningProviders.withoutNative("test"));
        BatchMinter.Summary summary = minter.mint(devices, Fixtures.NOW, Duration.ofHours(1), 3, PasswordSource.NONE,
                new BatchMinter.Sink() {
                    @Override
                    public void result(BatchMinter.Result r) {
                        results.add(r);
                    }

                    @Override
                    public void progress(int done) {
                    }
                });
        assertThat(summary.minted()).isEqualTo(40);
        assertThat(summary.provider()).startsWith("signing ES256 with Bouncy Castle and RS256 with the JDK");
        ECDSAVerifier ec = new ECDSAVerifier((ECPublicKey) Fixtures.jdkPublicKey("p256_public.der", "EC"));
        RSASSAVerifier rsa = new RSASSAVerifier((RSAPublicKey) Fixtures.jdkPublicKey("rsa2048_public.der", "RSA"));
        for (int i = 0; i < 40; i++) {
            SignedJWT jwt = SignedJWT.parse(results.get(i).token());
            assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(i % 2 == 0 ? "ES256" : "RS256");
            assertThat(jwt.verify(i % 2 == 0 ? ec : rsa)).as(results.get(i).device()).isTrue();
            assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("proj");
            assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(Fixtures.NOW);
        }
        // RS256 is deterministic: the JDK's signature is the one the native provider and a single mint make
        String single = new JwtMinter().compact(new MintRequest(new dev.iotjwt.keys.KeyReader().privateKey(
                Fixtures.key("rsa2048_pkcs1.pem"), PasswordSource.NONE).privateKey(), JwtAlg.RS256, "proj", Fixtures.NOW,
                Duration.ofHours(1), java.util.Map.of()), null);
        assertThat(results.get(1).token()).isEqualTo(single);
    }
}
