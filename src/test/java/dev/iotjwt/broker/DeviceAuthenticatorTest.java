package dev.iotjwt.broker;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.util.Base64;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's CONNECT judgement, rule by rule, with a registry file in gcloud's shape and a fixed clock. */
class DeviceAuthenticatorTest {
    private static final long NOW = Fixtures.NOW.getEpochSecond();
    private static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";

    @TempDir
    static Path dir;
    private static Registry registry;
    private static KeyMaterial ec;
    private static KeyMaterial rsa;

    @BeforeAll
    static void registry() throws Exception {
        ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE);
        rsa = new KeyReader().privateKey(Fixtures.key("rsa2048_pkcs1.pem"), PasswordSource.NONE);
        JsonObject root = new JsonObject();
        root.addProperty("project", "my-project");
        root.addProperty("region", "us-central1");
        root.addProperty("registry", "my-registry");
        JsonArray devices = new JsonArray();
        devices.add(device("dev-ec", false, cred("ES256_PEM", "p256_public.pem", "1970-01-01T00:00:00Z")));
        devices.add(device("dev-rsa", false, cred("RSA_X509_PEM", "rsa2048_cert.pem", null)));
        devices.add(device("dev-blocked", true, cred("ES256_PEM", "p256_public.pem", null)));
        devices.add(device("dev-rotated", false, cred("ES256_PEM", "p256_public.pem", "2026-01-01T00:00:00Z"),
                cred("RSA_PEM", "rsa2048_public.pem", null)));
        root.add("devices", devices);
        Path file = dir.resolve("registry.json");
        Files.writeString(file, root.toString());
        registry = Registry.load(file);
    }

    private static JsonObject device(String id, boolean blocked, JsonObject... creds) {
        JsonObject d = new JsonObject();
        d.addProperty("id", id);
        d.addProperty("blocked", blocked);
        JsonArray a = new JsonArray();
        for (JsonObject c : creds) {
            a.add(c);
        }
        d.add("credentials", a);
        JsonObject config = new JsonObject();
        config.addProperty("version", "1");
        config.addProperty("binaryData", Base64.getEncoder().encodeToString("{\"led\":1}".getBytes()));
        d.add("config", config);
        return d;
    }

    private static JsonObject cred(String format, String file, String expires) {
        try {
            JsonObject pk = new JsonObject();
            pk.addProperty("format", format);
            pk.addProperty("key", Files.readString(Fixtures.key(file)));
            JsonObject c = new JsonObject();
            c.add("publicKey", pk);
            if (expires != null) {
                c.addProperty("expirationTime", expires);
            }
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeviceAuthenticator.Decision auth(String device, String token, boolean strict) {
        return new DeviceAuthenticator(registry, strict).authenticate(PREFIX + device,
                token.getBytes(StandardCharsets.US_ASCII), Fixtures.NOW);
    }

    private static String es(long iat, long exp, String aud) {
        return TokenForge.es256(ec.privateKey()).claims(iat, exp, aud).build();
    }

    @Test
    void aGoodTokenIsAcceptedAndTheDropTimeIsExpPlusSkew() {
        DeviceAuthenticator.Decision d = auth("dev-ec", es(NOW, NOW + 3600, "my-project"), false);
        assertThat(d.accepted()).as(d.reason()).isTrue();
        assertThat(d.expiresAt().getEpochSecond()).isEqualTo(NOW + 3600 + 600);
        assertThat(registry.devices().get("dev-ec").config()).asString().isEqualTo("{\"led\":1}");
    }

    @Test
    void aTokenMadeByAnIndependentLibraryIsAccepted() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().audience("my-project").issueTime(new Date(NOW * 1000))
                        .expirationTime(new Date((NOW + 1200) * 1000)).build());
        jwt.sign(new ECDSASigner((ECPrivateKey) ec.privateKey()));
        assertThat(auth("dev-ec", jwt.serialize(), true).accepted()).isTrue();
        String rs = TokenForge.rs256(rsa.privateKey()).claims(NOW, NOW + 60, "my-project").build();
        assertThat(auth("dev-rsa", rs, true).accepted()).as("RSA_X509_PEM credential").isTrue();
    }

    @Test
    void everyRefusalHasItsCode() {
        String good = es(NOW, NOW + 3600, "my-project");
        assertThat(auth("nobody", good, false).code()).isEqualTo("device.unknown");
        assertThat(auth("dev-blocked", good, false).code()).isEqualTo("device.blocked");
        assertThat(auth("dev-rsa", good, false).code()).isEqualTo("jwt.key.alg-mismatch");
        assertThat(auth("dev-ec", es(NOW - 7200, NOW - 3600, "my-project"), false).code()).isEqualTo("jwt.exp.expired");
        assertThat(auth("dev-ec", es(NOW + 3600, NOW + 7200, "my-project"), false).code()).isEqualTo("jwt.iat.future");
        assertThat(auth("dev-ec", es(NOW, NOW + 48 * 3600, "my-project"), false).code())
                .isEqualTo("jwt.lifetime.too-long");
        assertThat(auth("dev-ec", es(NOW, NOW + 60, "other-project"), false).code()).isEqualTo("jwt.aud.mismatch");
        String otherKey = TokenForge.rs256(rsa.privateKey()).header("{\"alg\":\"ES256\",\"typ\":\"JWT\"}")
                .claims(NOW, NOW + 60, "my-project").build();
        assertThat(auth("dev-ec", otherKey, false).accepted()).isFalse();
        DeviceAuthenticator.Decision wrongRegistry = new DeviceAuthenticator(registry, false).authenticate(
                "projects/my-project/locations/europe-west1/registries/my-registry/devices/dev-ec",
                good.getBytes(StandardCharsets.US_ASCII), Fixtures.NOW);
        assertThat(wrongRegistry.code()).isEqualTo("clientid.malformed");
        assertThat(new DeviceAuthenticator(registry, false).authenticate("dev-ec", good.getBytes(), Fixtures.NOW)
                .code()).isEqualTo("clientid.malformed");
    }

    @Test
    void aClientIdIsQuotedBoundedAndATokenPastedIntoItLosesItsSignature() {
        // CI's fuzzer: a client id of 3,000 characters holding the very token sent as the password
        String good = es(NOW, NOW + 3600, "my-project");
        String clientId = "d".repeat(1500) + "\u0000" + good + "d".repeat(1500);
        DeviceAuthenticator.Decision d = new DeviceAuthenticator(registry, false).authenticate(clientId,
                good.getBytes(StandardCharsets.US_ASCII), Fixtures.NOW);
        assertThat(d.code()).isEqualTo("clientid.malformed");
        assertThat(d.reason()).doesNotContain(good).doesNotContain(good.substring(good.lastIndexOf('.')))
                .contains("(" + clientId.length() + " characters)").hasSizeLessThan(700);
        String pasted = PREFIX.replace("my-project", "p-" + good) + "dev-ec";
        DeviceAuthenticator.Decision named = new DeviceAuthenticator(registry, false).authenticate(pasted,
                good.getBytes(StandardCharsets.US_ASCII), Fixtures.NOW);
        assertThat(named.reason()).contains("project 'p-" + good.substring(0, good.lastIndexOf('.'))
                + ".<signature elided>'").doesNotContain(good);
    }

    @Test
    void critHeadersAndDeepNestingAreRefusedWithTheCheckersCodes() {
        String crit = TokenForge.es256(ec.privateKey()).header("{\"alg\":\"ES256\",\"typ\":\"JWT\","
                + "\"crit\":[\"x-device\"],\"x-device\":1}").claims(NOW, NOW + 3600, "my-project").build();
        assertThat(auth("dev-ec", crit, false).code()).isEqualTo("jwt.header.crit");
        assertThat(auth("dev-ec", crit, true).code()).isEqualTo("jwt.header.crit");
        String deep = TokenForge.es256(ec.privateKey()).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}").build();
        DeviceAuthenticator.Decision d = auth("dev-ec", deep, false);
        assertThat(d.code()).isEqualTo("jwt.malformed");
        assertThat(d.reason()).contains("20001 levels deep");
    }

    @Test
    void paddingIsRefusedOnlyUnderStrict() {
        String padded = TokenForge.es256(ec.privateKey()).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\",\"n\":12}").padded().build();
        assertThat(auth("dev-ec", padded, false).accepted()).isTrue();
        assertThat(auth("dev-ec", padded, true).code()).isEqualTo("jwt.base64.padding");
    }

    @Test
    void expiredCredentialsAreSkipped() {
        // the ES256 credential expired, the RSA one is valid: the refusal names the expiry, not the alg
        DeviceAuthenticator.Decision expired = auth("dev-rotated", es(NOW, NOW + 60, "my-project"), false);
        assertThat(expired.accepted()).isFalse();
        assertThat(expired.code()).isEqualTo("device.credential-expired");
        assertThat(expired.reason()).contains("credentials[0] (ES256_PEM)").contains("2026-01-01T00:00:00Z")
                .contains("RSA_PEM");
        // a token from a key the device never had is still a key problem, not an expiry
        String stranger = TokenForge.es256(otherEc()).claims(NOW, NOW + 60, "my-project").build();
        assertThat(auth("dev-rotated", stranger, false).code()).isEqualTo("jwt.key.alg-mismatch");
        String rs = TokenForge.rs256(rsa.privateKey()).claims(NOW, NOW + 60, "my-project").build();
        assertThat(auth("dev-rotated", rs, false).accepted()).isTrue();
    }

    private static java.security.PrivateKey otherEc() {
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair().getPrivate();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void weakRsaCredentialsAreRefusedAtStartAsP384Is() throws Exception {
        KeyMaterial rsa1024 = new KeyReader().privateKey(Fixtures.key("rsa1024_pkcs1.pem"), PasswordSource.NONE);
        JsonObject pk = new JsonObject();
        pk.addProperty("format", "RSA_PEM");
        pk.addProperty("key", dev.iotjwt.keys.Pem.encode("PUBLIC KEY", rsa1024.publicHalf().getEncoded()));
        JsonObject c = new JsonObject();
        c.add("publicKey", pk);
        Path weak = dir.resolve("weak.json");
        Files.writeString(weak, "{\"project\":\"p\",\"registry\":\"reg\",\"devices\":[{\"id\":\"dev-weak\","
                + "\"credentials\":[" + c + "]}]}");
        assertThatThrownBy(() -> Registry.load(weak)).isInstanceOf(InputException.class)
                .hasMessageContaining("weak.json").hasMessageContaining("device 'dev-weak'")
                .hasMessageContaining("credentials[0]").hasMessageContaining("RSA 1024")
                .hasMessageContaining("at least 2048 bits");
        assertThatThrownBy(() -> Registry.deviceOf("dev-weak", Fixtures.key("rsa1024_pkcs1.pem"), null))
                .isInstanceOf(InputException.class).hasMessageContaining("device 'dev-weak'")
                .hasMessageContaining("rsa1024_pkcs1.pem").hasMessageContaining("at least 2048 bits");
        assertThatThrownBy(() -> Registry.deviceOf("dev-big", Fixtures.key("p384_sec1.pem"), null))
                .isInstanceOf(InputException.class).hasMessageContaining("P-384");
    }

    @Test
    void badRegistryFilesNameTheFileDeviceAndField() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"project\":\"p\",\"registry\":\"reg\",\"devices\":[{\"id\":\"dev1\",\"credentials\":"
                + "[{\"publicKey\":{\"format\":\"ES256_PEM\",\"key\":\"" + Files.readString(Fixtures.key(
                "p256_sec1.pem")).replace("\n", "\\n") + "\"}}]}]}");
        assertThatThrownBy(() -> Registry.load(bad)).isInstanceOf(InputException.class)
                .hasMessageContaining("bad.json").hasMessageContaining("device 'dev1'")
                .hasMessageContaining("publicKey.key").hasMessageContaining("never the private key");
        Files.writeString(bad, "{\"project\":\"p\",\"registry\":\"reg\",\"devices\":[{\"id\":\"dev1\",\"credentials\":"
                + "[{\"publicKey\":{\"format\":\"DSA_PEM\",\"key\":\"x\"}}]}]}");
        assertThatThrownBy(() -> Registry.load(bad)).hasMessageContaining("publicKey.format");
        Files.writeString(bad, "{\"project\":\"p\",\"registry\":\"reg\",\"devices\":[{\"id\":\"+\"}]}");
        assertThatThrownBy(() -> Registry.load(bad)).hasMessageContaining("devices[0]: field 'id'")
                .hasMessageContaining("IoT Core's rule");
        Files.writeString(bad, "{\"registry\":\"r\",\"devices\":[]}");
        assertThatThrownBy(() -> Registry.load(bad)).hasMessageContaining("field 'project'");
    }
}
