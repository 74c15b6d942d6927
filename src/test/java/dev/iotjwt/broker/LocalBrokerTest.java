package dev.iotjwt.broker;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The local broker end to end: Moquette with TLS on 127.0.0.1, the registry's devices, real keys, tokens made by the
 * tool, by a forge that makes firmware's mistakes and by an independent JOSE library, sent by the tool's connect and
 * by a plain Paho client.
 */
class LocalBrokerTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static LocalBroker strict;
    static final List<BrokerListener.Event> events = new CopyOnWriteArrayList<>();
    static final List<BrokerListener.Message> messages = new CopyOnWriteArrayList<>();
    static PrivateKey ec;
    static PrivateKey rsa;
    static PrivateKey otherEc;

    static final BrokerListener LISTENER = new BrokerListener() {
        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void message(Message message) {
            messages.add(message);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        KeyReader reader = new KeyReader();
        ec = reader.privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        rsa = reader.privateKey(Fixtures.key("rsa2048_pkcs1.pem"), PasswordSource.NONE).privateKey();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        otherEc = g.generateKeyPair().getPrivate();
        Registry registry = registry();
        broker = LocalBroker.start(settings(registry, false, Fixtures.CLOCK, Duration.ofMinutes(10)), LISTENER);
        strict = LocalBroker.start(settings(registry, true, Fixtures.CLOCK, Duration.ofMinutes(10)), LISTENER);
    }

    @AfterAll
    static void stop() {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> broker.close()),
                CompletableFuture.runAsync(() -> strict.close())).join();
    }

    static Registry registry() throws Exception {
        Registry r = new Registry("my-project", "us-central1", "my-registry", new java.util.LinkedHashMap<>());
        r = r.with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), "{\"led\":1}".getBytes()));
        r = r.with(Registry.deviceOf("dev-rsa", Fixtures.key("rsa2048_cert.pem"), null));
        r = r.with(Registry.deviceOf("dev-other", Fixtures.key("p256_public.pem"), null));
        Registry.Device blocked = Registry.deviceOf("dev-blocked", Fixtures.key("p256_public.pem"), null);
        return r.with(new Registry.Device(blocked.id(), true, blocked.credentials(), null));
    }

    static BrokerSettings settings(Registry registry, boolean strict, Clock clock, Duration skew) {
        return new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost", "broker.test",
                "127.0.0.1"), false, strict, skew, clock);
    }

    static String es(long iat, long exp, String aud) {
        return TokenForge.es256(ec).claims(iat, exp, aud).build();
    }

    static MqttCallback callback(java.util.function.Consumer<Throwable> lost,
                                 java.util.function.BiConsumer<String, MqttMessage> arrived) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.accept(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived.accept(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    /** A plain Paho client trusting the broker's CA: the independent device. */
    static MqttClient client(LocalBroker b, String clientId, String token, MqttCallback callback, boolean withUser)
            throws Exception {
        MqttClient c = new MqttClient("ssl://localhost:" + b.port(), clientId, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        if (withUser) {
            o.setUserName("unused");
            o.setPassword(token.toCharArray());
        }
        o.setSocketFactory(trusting(b).getSocketFactory());
        if (callback != null) {
            c.setCallback(callback);
        }
        c.setTimeToWait(5000);
        c.connect(o);
        return c;
    }

    static SSLContext trusting(LocalBroker b) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(b.pki().caFile())) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static int connackOf(LocalBroker b, String clientId, String token) {
        try {
            MqttClient c = client(b, clientId, token, null, true);
            c.disconnect();
            c.close();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BrokerListener.Event lastEventFor(String who, String kind) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (int j = events.size() - 1; j >= 0; j--) {
                BrokerListener.Event e = events.get(j);
                if (e.kind().equals(kind) && who.equals(e.device())) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + kind + "' event for " + who + " in " + events);
    }

    /** Moquette tells its interceptors after it acknowledged, on another thread. */
    static void awaitMessage(String topic) throws InterruptedException {
        for (int i = 0; i < 250 && messages.stream().noneMatch(m -> m.topic().equals(topic)); i++) {
            Thread.sleep(20);
        }
    }

    @Test
    void aRegisteredDeviceConnectsWithTheToolPublishesAndReceivesItsConfig() throws Exception {
        CliRun r = CliRun.run("connect", "--host", "localhost", "--port", String.valueOf(broker.port()), "--ca",
                broker.pki().caFile().toString(), "--client-id", PREFIX + "dev-ec", "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--publish", "temp=21.5", "--subscribe", "config",
                "--wait", "1s");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("{\"led\":1}").doesNotContain("FAIL");
        awaitMessage("/devices/dev-ec/events");
        assertThat(messages).anySatisfy(m -> {
            assertThat(m.device()).isEqualTo("dev-ec");
            assertThat(m.topic()).isEqualTo("/devices/dev-ec/events");
            assertThat(m.payload()).isEqualTo("temp=21.5");
        });
        assertThat(lastEventFor("dev-ec", "accepted").detail()).contains("SNI localhost");
    }

    @Test
    void aTokenAcceptedWithinTheExpSkewIsLoggedAsExpired() throws Exception {
        events.clear();
        assertThat(connackOf(broker, PREFIX + "dev-ec", es(NOW - 900, NOW - 300, "my-project"))).isZero();
        assertThat(lastEventFor("dev-ec", "accepted").detail())
                .contains("the token expired 5 m ago (" + java.time.Instant.ofEpochSecond(NOW - 300)
                        + "), accepted within the 10 m skew")
                .contains("the connection is closed at " + java.time.Instant.ofEpochSecond(NOW + 300))
                .doesNotContain("valid until");
        events.clear();
        assertThat(connackOf(broker, PREFIX + "dev-ec", es(NOW, NOW + 600, "my-project"))).isZero();
        assertThat(lastEventFor("dev-ec", "accepted").detail())
                .contains("the token is valid until " + java.time.Instant.ofEpochSecond(NOW + 600));
    }

    @Test
    void aTokenFromAnIndependentLibrarySentByPlainPahoIsAccepted() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
                new JWTClaimsSet.Builder().audience("my-project").issueTime(new Date(NOW * 1000))
                        .expirationTime(new Date((NOW + 1200) * 1000)).build());
        jwt.sign(new ECDSASigner((ECPrivateKey) ec));
        CompletableFuture<String> config = new CompletableFuture<>();
        MqttClient c = client(strict, PREFIX + "dev-ec", jwt.serialize(), callback(cause -> { },
                (topic, message) -> config.complete(topic + " " + new String(message.getPayload(),
                        StandardCharsets.UTF_8))), true);
        try {
            c.subscribe("/devices/dev-ec/config", 1);
            assertThat(config.get(5, TimeUnit.SECONDS)).isEqualTo("/devices/dev-ec/config {\"led\":1}");
            c.publish("/devices/dev-ec/events/sensors", "{\"t\":1}".getBytes(), 1, false);
            c.publish("/devices/dev-ec/state", new byte[] {(byte) 0xff, 0}, 1, false);
        } finally {
            c.disconnect();
            c.close();
        }
        awaitMessage("/devices/dev-ec/state");
        assertThat(messages).anySatisfy(m -> assertThat(m.topic()).isEqualTo("/devices/dev-ec/events/sensors"));
        assertThat(messages).anySatisfy(m -> {
            assertThat(m.topic()).isEqualTo("/devices/dev-ec/state");
            assertThat(m.payload()).isNull();
            assertThat(m.payloadBase64()).isEqualTo("/wA=");
        });
        String rs = TokenForge.rs256(rsa).claims(NOW, NOW + 60, "my-project").build();
        assertThat(connackOf(broker, PREFIX + "dev-rsa", rs)).as("RSA_X509_PEM device").isZero();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> refusals() {
        String good = es(NOW, NOW + 3600, "my-project");
        String padded = TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\",\"n\":12}").padded().build();
        return Stream.of(
                arguments("unknown device", false, PREFIX + "nobody", good, "nobody", "device.unknown"),
                arguments("blocked", false, PREFIX + "dev-blocked", good, "dev-blocked", "device.blocked"),
                arguments("wrong key", false, PREFIX + "dev-ec", TokenForge.es256(otherEc).claims(NOW, NOW + 60,
                        "my-project").build(), "dev-ec", "jwt.signature.invalid"),
                arguments("expired", false, PREFIX + "dev-ec", es(NOW - 7200, NOW - 3600, "my-project"), "dev-ec",
                        "jwt.exp.expired"),
                arguments("future iat", false, PREFIX + "dev-ec", es(NOW + 3600, NOW + 7200, "my-project"),
                        "dev-ec", "jwt.iat.future"),
                arguments("lifetime", false, PREFIX + "dev-ec", es(NOW, NOW + 48 * 3600, "my-project"), "dev-ec",
                        "jwt.lifetime.too-long"),
                arguments("aud", false, PREFIX + "dev-ec", es(NOW, NOW + 60, "other-project"), "dev-ec",
                        "jwt.aud.mismatch"),
                arguments("alg/key mismatch", false, PREFIX + "dev-rsa", good, "dev-rsa", "jwt.key.alg-mismatch"),
                arguments("client id", false, "dev-ec", good, "dev-ec", "clientid.malformed"),
                arguments("other registry", false, "projects/my-project/locations/europe-west1/registries/"
                        + "my-registry/devices/dev-ec", good, "dev-ec", "clientid.malformed"),
                arguments("padding under --strict", true, PREFIX + "dev-ec", padded, "dev-ec", "jwt.base64.padding"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void eachRefusalIsConnack5WithItsLoggedCode(String name, boolean underStrict, String clientId, String token,
                                                String who, String code) throws Exception {
        events.clear();
        assertThat(connackOf(underStrict ? strict : broker, clientId, token)).isEqualTo(5);
        BrokerListener.Event e = lastEventFor(who, "refused");
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.detail()).contains("CONNACK 5").doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void paddingIsAcceptedWithoutStrictAsIoTCoreDid() {
        String padded = TokenForge.es256(ec).claims("{\"iat\":" + NOW + ",\"exp\":" + (NOW + 60)
                + ",\"aud\":\"my-project\",\"n\":12}").padded().build();
        assertThat(connackOf(broker, PREFIX + "dev-ec", padded)).isZero();
    }

    @Test
    void aConnectWithoutPasswordIsConnack5AndSaysWhere() throws Exception {
        events.clear();
        assertThatThrownBy(() -> client(broker, PREFIX + "dev-ec", null, null, false))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(5));
        assertThat(lastEventFor("dev-ec", "refused").code()).isEqualTo("mqtt.no-password");
    }

    @Test
    void mqtt31IsRefusedAndLogged() throws Exception {
        events.clear();
        MqttClient c = new MqttClient("ssl://localhost:" + broker.port(), PREFIX + "dev-ec", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1);
        o.setUserName("unused");
        o.setPassword(es(NOW, NOW + 60, "my-project").toCharArray());
        o.setSocketFactory(trusting(broker).getSocketFactory());
        c.setTimeToWait(5000);
        // IoT Core answered CONNACK 1, though a 3.1 client id was once limited to 23 characters
        assertThatThrownBy(() -> c.connect(o)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(1));
        c.close();
        assertThat(lastEventFor("dev-ec", "refused").code()).isEqualTo("mqtt.protocol-version");
    }

    @Test
    void anMqtt31DeviceReceivesConnack1BeforeTheClose() throws Exception {
        events.clear();
        try (RawDevice d = RawDevice.open(trusting(broker), broker.port(), java.time.Duration.ofSeconds(10))) {
            d.write(RawDevice.connect31Packet(PREFIX + "dev-ec", es(NOW, NOW + 60, "my-project")));
            RawDevice.Packet p = d.read();
            assertThat(p.header()).isEqualTo(0x20);
            assertThat(p.body()).containsExactly(0x00, 0x01);
            assertThat(d.closedByBroker()).isTrue();
        }
        assertThat(lastEventFor("dev-ec", "refused").detail()).contains("answered CONNACK 1");
    }

    /**
     * Refusals the TLS tap reports itself (a 3.1 CONNECT, a CONNECT without password, MQTT 5) name a client id that
     * holds the device's token without the token's signature, and bounded.
     */
    @Test
    void tapRefusalsNeverLogATokenPastedIntoTheClientId() throws Exception {
        events.clear();
        String token = es(NOW, NOW + 60, "my-project");
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String clientId = PREFIX + "x" + token + "y".repeat(2000);
        java.io.ByteArrayOutputStream noPassword = new java.io.ByteArrayOutputStream();
        noPassword.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0});
        noPassword.write(clientId.length() >> 8);
        noPassword.write(clientId.length() & 0xff);
        noPassword.writeBytes(clientId.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (byte[] connect : List.of(RawDevice.connect31Packet(clientId, token),
                RawDevice.packet(0x10, noPassword.toByteArray()))) {
            try (RawDevice d = RawDevice.open(trusting(broker), broker.port(), java.time.Duration.ofSeconds(10))) {
                d.write(connect);
                assertThat(d.read().header()).isEqualTo(0x20);
            }
        }
        for (int i = 0; i < 250 && events.stream().filter(e -> "refused".equals(e.kind())).count() < 2; i++) {
            Thread.sleep(20);
        }
        List<BrokerListener.Event> refused = events.stream().filter(e -> "refused".equals(e.kind())).toList();
        assertThat(refused).extracting(BrokerListener.Event::code)
                .contains("mqtt.protocol-version", "mqtt.no-password");
        for (BrokerListener.Event e : refused) {
            assertThat(e.device()).contains("<signature elided>").doesNotContain(signature).hasSizeLessThan(700);
            assertThat(e.detail()).doesNotContain(signature);
        }
    }

    @Test
    void aDeviceStaysInsideItsOwnTopics() throws Exception {
        events.clear();
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        MqttClient c = client(broker, PREFIX + "dev-other", es(NOW, NOW + 600, "my-project"),
                callback(lost::complete, (topic, message) -> { }), true);
        for (String filter : List.of("/devices/dev-ec/config", "/devices/+/config", "#", "/devices/dev-other/#",
                "/devices/dev-other/commands/+")) {
            int granted;
            try {
                granted = c.subscribeWithResponse(filter, 1).getGrantedQos()[0];
            } catch (MqttException e) {
                granted = e.getReasonCode();
            }
            assertThat(granted).as(filter).isEqualTo(128);
        }
        assertThat(c.subscribeWithResponse("/devices/dev-other/commands/#", 1).getGrantedQos()[0]).isEqualTo(1);
        try {
            c.publish("/devices/dev-ec/events", "spoof".getBytes(), 1, false);
        } catch (MqttException expected) {
            // the broker closes the connection instead of acknowledging
        }
        assertThat(lost.get(5, TimeUnit.SECONDS)).isNotNull();
        c.close();
        assertThat(lastEventFor("dev-other", "denied").detail()).contains("/devices/dev-ec/events");
        assertThat(messages).noneSatisfy(m -> assertThat(m.payload()).isEqualTo("spoof"));
    }

    @Test
    void aLastWillIsRefusedSoNoDeviceCanSmuggleIntoAnothersTopics() throws Exception {
        events.clear();
        CompletableFuture<String> received = new CompletableFuture<>();
        MqttClient victim = client(broker, PREFIX + "dev-other", es(NOW, NOW + 600, "my-project"),
                callback(cause -> { }, (topic, message) -> received.complete(topic)), true);
        victim.subscribe("/devices/dev-other/commands/#", 1);
        MqttClient c = new MqttClient("ssl://localhost:" + broker.port(), PREFIX + "dev-ec", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName("unused");
        o.setPassword(es(NOW, NOW + 600, "my-project").toCharArray());
        o.setWill("/devices/dev-other/commands/reboot", "INJECTED".getBytes(), 1, false);
        o.setSocketFactory(trusting(broker).getSocketFactory());
        c.setTimeToWait(5000);
        assertThatThrownBy(() -> c.connect(o))
                .isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isEqualTo(5));
        c.close();
        BrokerListener.Event e = lastEventFor("dev-ec", "refused");
        assertThat(e.code()).isEqualTo("mqtt.will");
        assertThat(e.detail()).contains("/devices/dev-other/commands/reboot");
        Thread.sleep(300);
        assertThat(received).isNotDone();
        victim.disconnect();
        victim.close();
    }

    @Test
    void aQos2PublishClosesTheConnectionUndelivered() throws Exception {
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        MqttClient c = client(broker, PREFIX + "dev-other", es(NOW, NOW + 600, "my-project"),
                callback(lost::complete, (topic, message) -> { }), true);
        try {
            c.publish("/devices/dev-other/events", "qos2".getBytes(), 2, false);
        } catch (MqttException expected) {
            // closed before PUBREC
        }
        assertThat(lost.get(5, TimeUnit.SECONDS)).isNotNull();
        c.close();
        assertThat(lastEventFor("dev-other", "dropped").code()).isEqualTo("mqtt.qos2");
        assertThat(messages).noneSatisfy(m -> assertThat(m.payload()).isEqualTo("qos2"));
    }

    @Test
    void theConnectionIsDroppedWhenTheTokenExpiresPlusSkew() throws Exception {
        Clock real = Clock.systemUTC();
        try (LocalBroker live = LocalBroker.start(new BrokerSettings(registry(), "127.0.0.1", 0, dir.resolve("state"),
                List.of("localhost"), false, false, Duration.ofSeconds(1), real), LISTENER)) {
            long now = real.instant().getEpochSecond();
            CompletableFuture<Long> lostAt = new CompletableFuture<>();
            MqttClient c = client(live, PREFIX + "dev-ec", es(now, now + 2, "my-project"),
                    callback(cause -> lostAt.complete(System.currentTimeMillis()), (topic, message) -> { }), true);
            long dropped = lostAt.get(10, TimeUnit.SECONDS);
            c.close();
            assertThat(dropped).isGreaterThanOrEqualTo((now + 3) * 1000 - 50);
            assertThat(lastEventFor("dev-ec", "dropped").code()).isEqualTo("jwt.exp.expired");
        }
    }

    @Test
    void requireSniPresentsGooglesPlaceholderWithoutSniAndRefusesOtherNames() throws Exception {
        Registry registry = registry();
        try (LocalBroker sni = LocalBroker.start(new BrokerSettings(registry, "127.0.0.1", 0, dir.resolve("sni"),
                List.of("broker.test"), true, false, Duration.ofMinutes(10), Fixtures.CLOCK), LISTENER)) {
            String[] base = {"connect", "--host", "broker.test", "--port", String.valueOf(sni.port()), "--ca",
                    sni.pki().caFile().toString(), "--client-id", PREFIX + "dev-ec", "--key",
                    Fixtures.key("p256_sec1.pem").toString()};
            CliRun ok = CliRun.run(base);
            assertThat(ok.exitCode()).as(ok.out()).isZero();
            CliRun noSni = CliRun.run(Stream.concat(Stream.of(base), Stream.of("--no-sni", "--expect",
                    "tls.sni-missing")).toArray(String[]::new));
            assertThat(noSni.exitCode()).as(noSni.out()).isZero();
            assertThat(noSni.out()).contains("invalid2.invalid");
            CliRun wrong = CliRun.run(Stream.concat(Stream.of(base), Stream.of("--sni", "other.test", "--expect",
                    "tls.sni-rejected")).toArray(String[]::new));
            assertThat(wrong.exitCode()).as(wrong.out()).isZero();
        }
    }

    @Test
    void theCaIsReusedAndANewHostNameGetsANewServerCertificateFromTheSameCa() throws Exception {
        Path state = dir.resolve("reuse");
        BrokerPki first = BrokerPki.ensure(state, List.of("localhost"), Fixtures.CLOCK);
        BrokerPki second = BrokerPki.ensure(state, List.of("localhost", "bench.local"), Fixtures.CLOCK);
        assertThat(second.ca()).isEqualTo(first.ca());
        assertThat(dev.iotjwt.tls.Certificates.sans(second.serverChain().get(0))).contains("localhost", "bench.local");
        second.serverChain().get(0).verify(first.ca().getPublicKey());
        KeyMaterial key = new KeyReader().privateKey(state.resolve(BrokerPki.SERVER_KEY), PasswordSource.NONE);
        assertThat(key.publicHalf()).isEqualTo(second.serverChain().get(0).getPublicKey());
    }
}
