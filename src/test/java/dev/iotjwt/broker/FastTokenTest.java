package dev.iotjwt.broker;

import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge's quick acceptance never says yes where the full checker says no: for the well-made token and ~40
 * near misses (header order, padding, alphabet, DER signature, string and fractional times, aud as an array,
 * extra or repeated claims, spaces, escapes, expired, future, too long, wrong key, wrong project), a bridge with the
 * quick path and one without decide the same (accepted or the same refusal code), and the quick path takes only
 * the well-made ones.
 */
class FastTokenTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final Instant AT = Fixtures.NOW;
    static final String CLIENT = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static PrivateKey ec;
    static PrivateKey rsa;
    static PrivateKey stranger;
    static Registry registry;

    @BeforeAll
    static void keys() throws Exception {
        KeyReader reader = new KeyReader();
        ec = reader.privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        rsa = reader.privateKey(Fixtures.key("rsa2048_pkcs1.pem"), PasswordSource.NONE).privateKey();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        stranger = g.generateKeyPair().getPrivate();
        registry = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), null))
                .with(Registry.deviceOf("dev-rsa", Fixtures.key("rsa2048_public.pem"), null));
    }

    static Map<String, String> tokens() {
        Map<String, String> t = new LinkedHashMap<>();
        String good = "{\"iat\":" + NOW + ",\"exp\":" + (NOW + 3600) + ",\"aud\":\"my-project\"}";
        t.put("good ES256", TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build());
        t.put("good ES256, claims reordered", TokenForge.es256(ec).claims("{\"aud\":\"my-project\",\"exp\":"
                + (NOW + 60) + ",\"iat\":" + NOW + "}").build());
        t.put("header typ first", TokenForge.es256(ec).header("{\"typ\":\"JWT\",\"alg\":\"ES256\"}").claims(good)
                .build());
        t.put("header without typ", TokenForge.es256(ec).header("{\"alg\":\"ES256\"}").claims(good).build());
        t.put("header with kid", TokenForge.es256(ec).header("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"k\"}")
                .claims(good).build());
        t.put("header alg none", TokenForge.es256(ec).header("{\"alg\":\"none\",\"typ\":\"JWT\"}").claims(good)
                .build());
        t.put("header RS256 on an EC key", TokenForge.es256(ec).header("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")
                .claims(good).build());
        t.put("padded", TokenForge.es256(ec).claims(good).padded().build());
        t.put("standard alphabet", TokenForge.es256(ec).claims(good).standardAlphabet().build());
        t.put("DER signature", TokenForge.es256(ec).claims(good).derSignature().build());
        t.put("wrong key", TokenForge.es256(stranger).claims(good).build());
        t.put("wrong project", TokenForge.es256(ec).claims(NOW, NOW + 3600, "other-project").build());
        t.put("aud array", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":[\"my-project\"]}").build());
        t.put("aud escaped", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my\\u002dproject\"}").build());
        t.put("iat string", TokenForge.es256(ec).claims("{\"iat\":\"" + NOW + "\",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\"}").build());
        t.put("exp fraction", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ".5,\"aud\":\"my-project\"}").build());
        t.put("exp exponent", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":1.8e9"
                + ",\"aud\":\"my-project\"}").build());
        t.put("iat leading zero", TokenForge.es256(ec).claims("{\"iat\":0" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\"}").build());
        t.put("iat negative", TokenForge.es256(ec).claims("{\"iat\":-1,\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\"}").build());
        t.put("claims with spaces", TokenForge.es256(ec).claims("{\"iat\": " + NOW + ", \"exp\": " + (NOW + 60)
                + ", \"aud\": \"my-project\"}").build());
        t.put("extra claim", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\",\"sub\":\"x\"}").build());
        t.put("repeated iat", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"iat\":" + NOW + ",\"exp\":"
                + (NOW + 60) + "}").build());
        t.put("repeated aud", TokenForge.es256(ec).claims("{\"aud\":\"other\",\"iat\":" + NOW + ",\"exp\":"
                + (NOW + 60) + ",\"aud\":\"my-project\"}").build());
        t.put("no exp", TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"aud\":\"my-project\"}").build());
        t.put("trailing garbage", TokenForge.es256(ec).claims(good + "x").build());
        t.put("two objects", TokenForge.es256(ec).claims(good + "{}").build());
        t.put("expired", TokenForge.es256(ec).claims(NOW - 7200, NOW - 3600, "my-project").build());
        t.put("expired within the skew", TokenForge.es256(ec).claims(NOW - 3600, NOW - 60, "my-project").build());
        t.put("iat in the future", TokenForge.es256(ec).claims(NOW + 3600, NOW + 7200, "my-project").build());
        t.put("iat ahead within the skew", TokenForge.es256(ec).claims(NOW + 60, NOW + 3600, "my-project").build());
        t.put("lifetime 25 h", TokenForge.es256(ec).claims(NOW, NOW + 25 * 3600, "my-project").build());
        t.put("lifetime exactly 24 h", TokenForge.es256(ec).claims(NOW, NOW + 24 * 3600, "my-project").build());
        t.put("lifetime 0", TokenForge.es256(ec).claims(NOW, NOW, "my-project").build());
        t.put("exp before iat", TokenForge.es256(ec).claims(NOW, NOW - 10, "my-project").build());
        t.put("good RS256", TokenForge.rs256(rsa).claims(NOW, NOW + 3600, "my-project").build());
        t.put("RS256 header on the EC device", TokenForge.rs256(rsa).claims(NOW, NOW + 3600, "my-project")
                .build());
        t.put("four segments", TokenForge.es256(ec).claims(good).build() + ".x");
        t.put("empty signature", TokenForge.es256(ec).claims(good).build().replaceAll("\\.[^.]*$", "."));
        t.put("signature of another token", TokenForge.es256(ec).claims(good).build().replaceAll("\\.[^.]*$", "")
                + TokenForge.es256(ec).claims(NOW, NOW + 10, "my-project").build().replaceAll("^.*\\.", "."));
        return t;
    }

    @Test
    void theQuickPathAcceptsOnlyWhatTheCheckerAcceptsAndDecidesAsItDoes() {
        DeviceAuthenticator quick = new DeviceAuthenticator(registry, false, Duration.ofMinutes(10), true);
        DeviceAuthenticator full = new DeviceAuthenticator(registry, false, Duration.ofMinutes(10), false);
        DeviceAuthenticator strict = new DeviceAuthenticator(registry, true, Duration.ofMinutes(10), true);
        DeviceAuthenticator strictFull = new DeviceAuthenticator(registry, true, Duration.ofMinutes(10), false);
        List<String> quickly = new ArrayList<>();
        Map<String, String> tokens = tokens();
        String standard = tokens.get("standard alphabet");
        boolean alphabetDiffers = standard.contains("+") || standard.contains("/");
        for (Map.Entry<String, String> e : tokens.entrySet()) {
            for (String device : List.of("dev-ec", "dev-rsa")) {
                byte[] pw = e.getValue().getBytes(StandardCharsets.UTF_8);
                DeviceAuthenticator.Decision q = quick.authenticate(CLIENT + device, pw, AT);
                DeviceAuthenticator.Decision f = full.authenticate(CLIENT + device, pw, AT);
                String what = e.getKey() + " for " + device;
                assertThat(q.accepted()).as(what).isEqualTo(f.accepted());
                assertThat(q.code()).as(what).isEqualTo(f.code());
                assertThat(strict.authenticate(CLIENT + device, pw, AT).accepted()).as(what + ", strict")
                        .isEqualTo(strictFull.authenticate(CLIENT + device, pw, AT).accepted());
                if (FastToken.accept(e.getValue(), "my-project", registry.devices().get(device).credentials()
                        .stream().map(Registry.Credential::key).toList(), AT) != null) {
                    quickly.add(what);
                    assertThat(f.accepted()).as(what + ": the quick path took what the checker refuses").isTrue();
                    assertThat(q.expiresAt()).as(what).isEqualTo(f.expiresAt());
                }
            }
        }
        List<String> expected = new ArrayList<>(List.of("good ES256 for dev-ec",
                "good ES256, claims reordered for dev-ec", "lifetime exactly 24 h for dev-ec",
                "good RS256 for dev-rsa", "RS256 header on the EC device for dev-rsa"));
        if (!alphabetDiffers) {
            // no '-' or '_' in this run's random signature: the standard alphabet wrote the same token
            expected.add("standard alphabet for dev-ec");
        }
        assertThat(quickly).containsExactlyInAnyOrderElementsOf(expected);
    }
}
