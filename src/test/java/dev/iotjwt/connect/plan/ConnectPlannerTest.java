package dev.iotjwt.connect.plan;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.InputException;
import dev.iotjwt.connect.ConnectRequest;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.tls.TlsSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What connect's options become: the request the doctor runs, planned without a socket. */
class ConnectPlannerTest {
    private static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/reg/devices/dev-1";
    private static final ConnectPlanner.Tls DEFAULT_TLS = new ConnectPlanner.Tls(true, null, null,
            (sni, now) -> new TlsSettings(sni, List.of(), List.of(), List.of(), List.of(), now, null));
    private static final ConnectPlanner.Session NOTHING = new ConnectPlanner.Session(null, "events", null,
            Duration.ofSeconds(2), null, null);

    @TempDir
    Path home;

    private final ConnectPlanner planner = new ConnectPlanner(Fixtures.CLOCK, Map.of());

    private static ConnectPlanner.Device device(String audience) {
        return new ConnectPlanner.Device(CLIENT_ID, () -> audience, "dev-1", "unused");
    }

    private static ConnectPlanner.Token key(String name) {
        return new ConnectPlanner.Token(Fixtures.key(name), PasswordSource.NONE, Duration.ofMinutes(20), null);
    }

    @Test
    void aProfileGivesHostPortRootsAndSniAndTheKeyAVerifiableToken() throws Exception {
        ConnectPlanner.Plan plan = planner.plan(new ConnectPlanner.Target(Profile.google_lts, null, null, null,
                List.of()), device("my-project"), key("p256_sec1.pem"), DEFAULT_TLS, Duration.ofSeconds(10), NOTHING);
        ConnectRequest r = plan.request();
        assertThat(r.profile()).isEqualTo("google-lts");
        assertThat(r.host()).isEqualTo("mqtt.2030.ltsapis.goog");
        assertThat(r.port()).isEqualTo(8883);
        assertThat(r.ca().certificates()).as("the LTS roots shipped in the jar").isNotEmpty();
        assertThat(r.tls().sni()).isEqualTo("mqtt.2030.ltsapis.goog");
        assertThat(r.now()).isEqualTo(Fixtures.NOW);
        assertThat(plan.privateKeyFile()).isEqualTo(Fixtures.key("p256_sec1.pem"));
        assertThat(r.tokenOrigin()).isEqualTo("minted from " + Fixtures.key("p256_sec1.pem") + " (ES256, 20 m)");
        SignedJWT jwt = SignedJWT.parse(r.token());
        ECPublicKey pub = (ECPublicKey) new KeyReader().publicKey(Fixtures.key("p256_public.pem"),
                PasswordSource.NONE).publicKey();
        assertThat(jwt.verify(new ECDSAVerifier(pub))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("my-project");
        assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(Fixtures.NOW);
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(Fixtures.NOW.plusSeconds(1200));
        assertThat(r.keys()).singleElement().satisfies(k -> assertThat(k.publicKey()).isEqualTo(pub));
        assertThat(r.tokenTtl()).isEqualTo(Duration.ofMinutes(20));
        assertThat(r.stay()).isZero();
        assertThat(r.publishTopic()).isNull();
        assertThat(r.subscribeTopic()).isNull();
    }

    @Test
    void freshTokensAreMintedAtTheClocksTimeNotTheDevicesTime() throws Exception {
        Instant[] now = {Fixtures.NOW};
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        Instant deviceTime = Instant.parse("2021-09-04T16:19:16Z");
        ConnectRequest r = new ConnectPlanner(moving, Map.of()).plan(new ConnectPlanner.Target(null, "broker.test",
                        1883, null, List.of()), device("my-project"), key("p256_sec1.pem"),
                new ConnectPlanner.Tls(true, null, deviceTime, DEFAULT_TLS.settings()), Duration.ofSeconds(10),
                NOTHING).request();
        assertThat(SignedJWT.parse(r.token()).getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(deviceTime);
        assertThat(r.tls().verifyAt()).isEqualTo(deviceTime);
        now[0] = Fixtures.NOW.plusSeconds(3600);
        assertThat(SignedJWT.parse(r.freshToken().get()).getJWTClaimsSet().getIssueTime().toInstant())
                .isEqualTo(Fixtures.NOW.plusSeconds(3600));
    }

    @Test
    void aHostOverridesTheProfileAndAnAddressGetsNoSni() throws InputException {
        ConnectRequest r = planner.plan(new ConnectPlanner.Target(Profile.google, "127.0.0.1", 8884, null, List.of()),
                device("my-project"), key("p256_sec1.pem"), DEFAULT_TLS, Duration.ofSeconds(1), NOTHING).request();
        assertThat(r.host()).isEqualTo("127.0.0.1");
        assertThat(r.port()).isEqualTo(8884);
        assertThat(r.tls().sni()).as("RFC 6066: no SNI for an address").isNull();
        assertThat(r.ca().certificates()).as("the profile's roots stay").isNotEmpty();
    }

    @Test
    void clearbladeTakesTheRegionIntoItsHostAndNoSniMeansNone() throws InputException {
        ConnectRequest r = planner.plan(new ConnectPlanner.Target(Profile.clearblade, null, null, "europe-west1",
                        List.of()), device("my-project"), key("p256_sec1.pem"),
                new ConnectPlanner.Tls(false, null, null, DEFAULT_TLS.settings()), Duration.ofSeconds(1), NOTHING)
                .request();
        assertThat(r.host()).isEqualTo("europe-west1-mqtt.clearblade.com");
        assertThat(r.tls().sni()).isNull();
        ConnectRequest named = planner.plan(new ConnectPlanner.Target(Profile.clearblade, null, null, null,
                        List.of()), device("my-project"), key("p256_sec1.pem"),
                new ConnectPlanner.Tls(true, "other.example", null, DEFAULT_TLS.settings()), Duration.ofSeconds(1),
                NOTHING).request();
        assertThat(named.host()).isEqualTo("us-central1-mqtt.clearblade.com");
        assertThat(named.tls().sni()).isEqualTo("other.example");
    }

    @Test
    void aGivenTokenIsReadFromItsFileStrippedAndNeverAsksForAnAudience() throws Exception {
        Path file = home.resolve("token.txt");
        Files.writeString(file, "  a.b.c\n", StandardCharsets.UTF_8);
        AtomicInteger asked = new AtomicInteger();
        ConnectPlanner.Device device = new ConnectPlanner.Device(CLIENT_ID, () -> {
            asked.incrementAndGet();
            return null;
        }, "dev-1", "unused");
        ConnectPlanner.Plan plan = planner.plan(new ConnectPlanner.Target(null, "broker.test", null, null, List.of()),
                device, new ConnectPlanner.Token(null, PasswordSource.NONE, Duration.ofMinutes(20), "@" + file),
                DEFAULT_TLS, Duration.ofSeconds(1), NOTHING);
        assertThat(plan.request().token()).isEqualTo("a.b.c");
        assertThat(plan.request().tokenOrigin()).isEqualTo("read from " + file);
        assertThat(plan.request().keys()).isEmpty();
        assertThat(plan.request().freshToken()).isNull();
        assertThat(plan.request().ca()).as("no profile, no --ca: the JDK's roots").isNull();
        assertThat(plan.request().port()).isEqualTo(8883);
        assertThat(plan.privateKeyFile()).isNull();
        assertThat(asked).hasValue(0);
        ConnectRequest inline = planner.plan(new ConnectPlanner.Target(null, "broker.test", null, null, List.of()),
                device, new ConnectPlanner.Token(null, PasswordSource.NONE, Duration.ofMinutes(20), " x.y.z "),
                DEFAULT_TLS, Duration.ofSeconds(1), NOTHING).request();
        assertThat(inline.token()).isEqualTo("x.y.z");
        assertThat(inline.tokenOrigin()).isEqualTo("given with --jwt");
    }

    @Test
    void unusableKeysAndTokenFilesAreInputErrors() {
        assertThatThrownBy(() -> planner.plan(new ConnectPlanner.Target(null, "h", null, null, List.of()),
                device("p"), new ConnectPlanner.Token(home.resolve("missing.pem"), PasswordSource.NONE,
                        Duration.ofMinutes(20), null), DEFAULT_TLS, Duration.ofSeconds(1), NOTHING))
                .isInstanceOf(InputException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> planner.plan(new ConnectPlanner.Target(null, "h", null, null, List.of()),
                device("p"), new ConnectPlanner.Token(null, PasswordSource.NONE, Duration.ofMinutes(20),
                        "@" + home.resolve("missing.txt")), DEFAULT_TLS, Duration.ofSeconds(1), NOTHING))
                .isInstanceOf(InputException.class).hasMessageContaining("missing.txt");
    }

    @Test
    void theLocalProfileTrustsTheLocalBrokersCaAndSaysHowToMakeIt() throws InputException {
        ConnectRequest r = new ConnectPlanner(Fixtures.CLOCK, Map.of("IOTJWT_HOME", home.toString())).plan(
                new ConnectPlanner.Target(Profile.local, null, null, null, List.of()), device("my-project"),
                key("p256_sec1.pem"), DEFAULT_TLS, Duration.ofSeconds(1), NOTHING).request();
        assertThat(r.host()).isEqualTo("127.0.0.1");
        assertThat(r.ca().findings()).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("ca.unreadable");
            assertThat(f.message()).contains(home.resolve("broker").resolve("ca.pem").toString());
            assertThat(f.hint()).contains("start 'iotjwt broker' first");
        });
    }

    @Test
    void sessionNamesBecomeTheDevicesTopicsAndOtherNamesStayAsGiven() throws InputException {
        ConnectPlanner.Target target = new ConnectPlanner.Target(null, "h", null, null, List.of());
        ConnectRequest state = planner.plan(target, device("p"), key("p256_sec1.pem"), DEFAULT_TLS,
                Duration.ofSeconds(1), new ConnectPlanner.Session("on", "state", "config", Duration.ofSeconds(3),
                        Duration.ofMinutes(5), Duration.ofSeconds(1))).request();
        assertThat(state.publishTopic()).isEqualTo("/devices/dev-1/state");
        assertThat(state.payload()).isEqualTo("on");
        assertThat(state.subscribeTopic()).isEqualTo("/devices/dev-1/config");
        assertThat(state.waitFor()).isEqualTo(Duration.ofSeconds(3));
        assertThat(state.stay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(state.publishEvery()).isEqualTo(Duration.ofSeconds(1));
        ConnectRequest events = planner.plan(target, device("p"), key("p256_sec1.pem"), DEFAULT_TLS,
                Duration.ofSeconds(1), new ConnectPlanner.Session("t", "events", "commands", Duration.ofSeconds(2),
                        null, null)).request();
        assertThat(events.publishTopic()).isEqualTo("/devices/dev-1/events");
        assertThat(events.subscribeTopic()).isEqualTo("/devices/dev-1/commands/#");
        ConnectRequest raw = planner.plan(target, device("p"), key("p256_sec1.pem"), DEFAULT_TLS,
                Duration.ofSeconds(1), new ConnectPlanner.Session("t", "/devices/dev-1/events/sub", "x/y",
                        Duration.ofSeconds(2), null, null)).request();
        assertThat(raw.publishTopic()).isEqualTo("/devices/dev-1/events/sub");
        assertThat(raw.subscribeTopic()).isEqualTo("x/y");
        assertThat(raw.payload()).isEqualTo("t");
    }
}
