package dev.iotjwt.broker.policy;

import dev.iotjwt.broker.DeviceAuthenticator;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of {@link DevicePolicy}, called directly: a registry of the fixtures' keys, a fixed time, packets built
 * as the decoder would hand them over, and the decisions (state and actions, in order) checked one by one. No
 * sockets: what the bridge does with a decision is PacketOrderTest's business.
 */
class DevicePolicyTest {
    static final Instant NOW = Fixtures.NOW;
    static final long T = NOW.getEpochSecond();
    static final Duration SKEW = Duration.ofMinutes(10);
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final String A = PREFIX + "dev-a";

    static PrivateKey ec;
    static PrivateKey stranger;
    static Registry registry;
    static String token;

    /** The devices' configs, as the bridge's store keeps them: a test sets a new version. */
    final Map<String, BridgeView.DeviceConfig> configs = new ConcurrentHashMap<>();
    DevicePolicy policy;

    @BeforeAll
    static void keys() throws Exception {
        ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        stranger = g.generateKeyPair().getPrivate();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        r = r.with(Registry.deviceOf("dev-a", Fixtures.key("p256_public.pem"), null));
        r = r.with(Registry.deviceOf("dev-b", Fixtures.key("p256_public.pem"), null));
        r = r.with(Registry.deviceOf("dev-c", Fixtures.key("p256_public.pem"), "{\"led\":1}".getBytes(
                StandardCharsets.UTF_8)));
        registry = r;
        token = es(T, T + 3600);
    }

    @BeforeEach
    void policy() {
        configs.clear();
        configs.put("dev-c", new BridgeView.DeviceConfig(1, "{\"led\":1}".getBytes(StandardCharsets.UTF_8)));
        BridgeView view = new BridgeView() {
            @Override
            public Registry registry() {
                return registry;
            }

            @Override
            public DeviceConfig config(String device) {
                return configs.getOrDefault(device, DeviceConfig.NONE);
            }
        };
        policy = new DevicePolicy(new DeviceAuthenticator(registry, false, SKEW), view, SKEW);
    }

    static String es(long iat, long exp) {
        return TokenForge.es256(ec).claims(iat, exp, "my-project").build();
    }

    static Packet.Connect connect(String clientId, String token) {
        return connect(clientId, token, 60, null);
    }

    static Packet.Connect connect(String clientId, String token, int keepAlive, Packet.Will will) {
        return new Packet.Connect("MQTT", 4, clientId, "unused", token == null ? null
                : token.getBytes(StandardCharsets.UTF_8), true, keepAlive, will);
    }

    static Packet.Publish publish(String topic, int qos, int id, byte[] payload) {
        return new Packet.Publish(topic, qos, false, false, id, payload);
    }

    static Packet.Subscribe subscribe(int id, Object... topicAndQos) {
        List<Packet.Filter> f = new ArrayList<>();
        for (int i = 0; i < topicAndQos.length; i += 2) {
            f.add(new Packet.Filter((String) topicAndQos[i], (Integer) topicAndQos[i + 1]));
        }
        return new Packet.Subscribe(id, f);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A connection of {@code device} whose CONNECT was accepted. */
    Session connected(String device) {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh("localhost"), connect(PREFIX + device, token), NOW);
        assertThat(d.session().phase()).as(d.actions().toString()).isEqualTo(Session.Phase.CONNECTED);
        return d.session();
    }

    static List<Outbound> sent(DevicePolicy.Decision d) {
        return d.actions().stream().filter(a -> a instanceof Action.Send).map(a -> ((Action.Send) a).packet())
                .toList();
    }

    static List<Action.Event> events(DevicePolicy.Decision d) {
        return d.actions().stream().filter(a -> a instanceof Action.Event).map(a -> (Action.Event) a).toList();
    }

    static <T extends Action> List<T> of(DevicePolicy.Decision d, Class<T> type) {
        return d.actions().stream().filter(type::isInstance).map(type::cast).toList();
    }

    static String factsOf(DevicePolicy.Decision d, String key) {
        return String.join("\n", of(d, Action.Fact.class).stream().filter(f -> f.key().equals(key))
                .map(Action.Fact::value).toList());
    }

    /** The decision refuses the CONNECT: CONNACK {@code code} first, one refused event with {@code finding}, drain. */
    static void assertRefused(DevicePolicy.Decision d, int code, String finding) {
        assertThat(sent(d)).as(d.actions().toString()).containsExactly(new Outbound.ConnAck(code));
        assertThat(events(d)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("refused");
            assertThat(e.step()).isEqualTo("mqtt");
            assertThat(e.finding().code()).isEqualTo(finding);
            assertThat(e.finding().isError()).isTrue();
        });
        assertThat(d.actions().get(d.actions().size() - 1)).isEqualTo(new Action.Close(true));
        assertThat(of(d, Action.Accept.class)).isEmpty();
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CLOSED);
        // the CONNACK goes before the close, or the device reads a reset instead of its answer
        int connack = d.actions().indexOf(new Action.Send(new Outbound.ConnAck(code)));
        assertThat(connack).isLessThan(d.actions().indexOf(new Action.Close(true)));
    }

    /** The decision closes the connection without a reply: one event with {@code code}, then Close. */
    static void assertDropped(DevicePolicy.Decision d, String kind, String step, String code) {
        assertThat(sent(d)).as(d.actions().toString()).isEmpty();
        assertThat(events(d)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.step()).isEqualTo(step);
            assertThat(e.finding().code()).isEqualTo(code);
        });
        assertThat(d.actions().get(d.actions().size() - 1)).isEqualTo(new Action.Close(false));
        assertThat(of(d, Action.Received.class)).isEmpty();
        assertThat(of(d, Action.Accept.class)).isEmpty();
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CLOSED);
    }

    // --- the first packet -------------------------------------------------------------------------------------

    static List<Packet> notConnect() {
        return List.of(new Packet.PingReq(), subscribe(1, "/devices/dev-a/config", 1),
                publish("/devices/dev-a/events", 1, 1, bytes("x")), new Packet.Disconnect(), new Packet.PubAck(1),
                new Packet.Unsubscribe(1, List.of("/devices/dev-a/config")), new Packet.Other("PUBREL"),
                new Packet.Other("CONNACK"));
    }

    @Test
    void aFirstPacketOtherThanConnectClosesWithoutAnAnswer() {
        for (Packet p : notConnect()) {
            DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), p, NOW);
            assertDropped(d, "dropped", "mqtt", "mqtt.first-packet");
            assertThat(events(d).get(0).finding().message()).as(p.name()).contains(p.name());
        }
    }

    @Test
    void aMalformedFirstPacketClosesAsMalformedOrTooLarge() {
        assertDropped(policy.onPacket(Session.fresh(null), new Packet.Malformed("bad", false, false), NOW),
                "dropped", "mqtt", "mqtt.malformed");
        assertDropped(policy.onPacket(Session.fresh(null), new Packet.Malformed("too long", true, false), NOW),
                "dropped", "mqtt", "mqtt.packet-too-large");
        // a protocol name and level the decoder does not know is a version question: CONNACK 1, as IoT Core
        assertRefused(policy.onPacket(Session.fresh(null), new Packet.Malformed("level 7", false, true), NOW), 1,
                "mqtt.protocol-version");
    }

    @Test
    void mqtt31And5AreAnsweredConnack1AndClosedAfterTheDrain() {
        for (Packet.Connect c : List.of(
                new Packet.Connect("MQIsdp", 3, A, "unused", bytes(token), true, 60, null),
                new Packet.Connect("MQTT", 5, A, "unused", bytes(token), true, 60, null))) {
            DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), c, NOW);
            assertRefused(d, 1, "mqtt.protocol-version");
            assertThat(events(d).get(0).finding().message()).contains(c.level() == 3 ? "MQTT 3.1" : "MQTT 5");
            // a good token does not matter: the version is judged first, the token never
            assertThat(factsOf(d, "token")).isEmpty();
            assertThat(d.session().clientId()).isEqualTo(A);
        }
    }

    @Test
    void aWillIsRefusedConnack5AndNamesTheOtherDeviceItAimsAt() {
        DevicePolicy.Decision other = policy.onPacket(Session.fresh(null), connect(A, token, 60,
                new Packet.Will("/devices/dev-b/commands/x", 0, false, 3)), NOW);
        assertRefused(other, 5, "mqtt.will");
        assertThat(events(other).get(0).finding().message()).contains("another device").contains("'dev-b'");
        assertThat(events(other).get(0).who()).isEqualTo("dev-a");

        DevicePolicy.Decision own = policy.onPacket(Session.fresh(null), connect(A, token, 60,
                new Packet.Will("/devices/dev-a/state", 1, true, 3)), NOW);
        assertRefused(own, 5, "mqtt.will");
        assertThat(events(own).get(0).finding().message()).doesNotContain("another device");
        // the Will is judged before the token: a good token does not let it through
        assertThat(factsOf(own, "token")).isEmpty();
    }

    @Test
    void noPasswordIsRefusedConnack5() {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), connect(A, null), NOW);
        assertRefused(d, 5, "mqtt.no-password");
    }

    @Test
    void aBadTokenIsRefusedWithTheCheckersCodeAndEveryFindingAsAFact() {
        DeviceAuthenticator auth = new DeviceAuthenticator(registry, false, SKEW);
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("expired", es(T - 7200, T - 3600));
        tokens.put("wrong key", TokenForge.es256(stranger).claims(T, T + 3600, "my-project").build());
        tokens.put("wrong aud", TokenForge.es256(ec).claims(T, T + 3600, "other-project").build());
        tokens.put("rs256 header", TokenForge.es256(ec).header("{\"alg\":\"RS256\",\"typ\":\"JWT\"}")
                .claims(T, T + 3600, "my-project").build());
        tokens.put("not a token", "correct-horse-battery-staple");
        for (Map.Entry<String, String> t : tokens.entrySet()) {
            DeviceAuthenticator.Decision expected = auth.authenticate(A, bytes(t.getValue()), NOW);
            assertThat(expected.accepted()).as(t.getKey()).isFalse();
            DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), connect(A, t.getValue()), NOW);
            assertRefused(d, 5, expected.code());
            assertThat(events(d).get(0).who()).isEqualTo("dev-a");
            List<String> facts = of(d, Action.Fact.class).stream().filter(f -> f.key().equals("token"))
                    .map(Action.Fact::value).toList();
            assertThat(facts).as(t.getKey()).hasSize(expected.findings().size());
            for (Finding f : expected.findings()) {
                assertThat(facts).as(t.getKey()).anySatisfy(v -> assertThat(v).contains(f.code())
                        .contains(f.message()));
            }
        }
        // an unknown device and a client id of another registry are refused by the same rule
        assertRefused(policy.onPacket(Session.fresh(null), connect(PREFIX + "dev-nobody", token), NOW), 5,
                "device.unknown");
        assertRefused(policy.onPacket(Session.fresh(null), connect("sensor-1", token), NOW), 5,
                "clientid.malformed");
    }

    @Test
    void anAcceptedConnectGetsConnack0AndClosesAtExpPlusSkew() {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh("localhost"), connect(A, token, 60, null), NOW);
        assertThat(sent(d)).containsExactly(new Outbound.ConnAck(0));
        assertThat(of(d, Action.Accept.class)).containsExactly(new Action.Accept("dev-a", A,
                Instant.ofEpochSecond(T + 3600).plus(SKEW), Duration.ofSeconds(90)));
        assertThat(d.closes()).isFalse();
        assertThat(events(d)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("accepted");
            assertThat(e.who()).isEqualTo("dev-a");
            assertThat(e.finding()).isNull();
            assertThat(e.detail()).contains("SNI localhost");
        });
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CONNECTED);
        assertThat(d.session().device()).isEqualTo("dev-a");
        assertThat(d.session().clientId()).isEqualTo(A);
        assertThat(d.session().configQos()).isEqualTo(-1);
        assertThat(d.session().commandsQos()).isEqualTo(-1);
    }

    @Test
    void aTokenJustExpiredIsAcceptedWithinTheSkewAndClosedAtExpPlusSkew() {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), connect(A, es(T - 3600, T - 300)), NOW);
        assertThat(sent(d)).containsExactly(new Outbound.ConnAck(0));
        assertThat(of(d, Action.Accept.class).get(0).closeAt()).isEqualTo(Instant.ofEpochSecond(T - 300).plus(SKEW));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 60, 799, 800, 801, 1000, 65535})
    void theIdleLimitIsOneAndAHalfKeepAlivesAtMostTwentyMinutes(int keepAlive) {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh(null), connect(A, token, keepAlive, null), NOW);
        Duration expected = keepAlive == 0 ? Duration.ofMinutes(20)
                : Duration.ofMillis(Math.min(keepAlive * 1500L, Duration.ofMinutes(20).toMillis()));
        assertThat(of(d, Action.Accept.class)).singleElement().extracting(Action.Accept::idleLimit)
                .isEqualTo(expected);
        assertThat(expected).isLessThanOrEqualTo(DevicePolicy.MAX_KEEPALIVE);
    }

    // --- after the CONNECT ------------------------------------------------------------------------------------

    @Test
    void aSecondConnectClosesTheConnectionWithOrWithoutAWill() {
        for (Packet.Connect second : List.of(connect(A, token),
                connect(A, token, 60, new Packet.Will("/devices/dev-b/commands", 1, false, 10)),
                connect(PREFIX + "dev-b", token, 60, new Packet.Will("/devices/dev-b/config", 1, false, 10)),
                new Packet.Connect("MQTT", 5, A, null, null, true, 0, null))) {
            DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), second, NOW);
            assertDropped(d, "dropped", "session", "mqtt.second-connect");
            assertThat(events(d).get(0).who()).isEqualTo("dev-a");
            if (second.will() != null) {
                assertThat(events(d).get(0).detail()).contains(second.will().topic());
            }
        }
    }

    @Test
    void aQos2PublishClosesTheConnectionAndIsNeverReceived() {
        for (String topic : List.of("/devices/dev-a/events", "/devices/dev-a/state", "/devices/dev-a/events/x",
                "/devices/dev-b/events")) {
            DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), publish(topic, 2, 7, bytes("x")), NOW);
            assertDropped(d, "dropped", "session", "mqtt.qos2");
        }
    }

    @Test
    void aDevicePublishesToItsOwnEventsSubfoldersAndState() {
        Session s = connected("dev-a");
        for (String topic : List.of("/devices/dev-a/events", "/devices/dev-a/events/sub",
                "/devices/dev-a/events/a/b/c", "/devices/dev-a/state")) {
            for (int qos : new int[] {0, 1}) {
                byte[] payload = bytes(topic + qos);
                DevicePolicy.Decision d = policy.onPacket(s, publish(topic, qos, qos == 1 ? 42 : 0, payload), NOW);
                assertThat(d.closes()).as(topic).isFalse();
                assertThat(of(d, Action.Received.class)).singleElement().satisfies(r -> {
                    assertThat(r.device()).isEqualTo("dev-a");
                    assertThat(r.topic()).isEqualTo(topic);
                    assertThat(r.qos()).isEqualTo(qos);
                    assertThat(r.payload()).isEqualTo(payload);
                    assertThat(r.state()).isEqualTo(topic.endsWith("/state"));
                });
                assertThat(sent(d)).isEqualTo(qos == 1 ? List.of(new Outbound.PubAck(42)) : List.of());
                assertThat(d.session().phase()).isEqualTo(Session.Phase.CONNECTED);
                s = d.session();
            }
        }
    }

    @Test
    void aRetainFlagIsIgnoredAndReportedOnce() {
        Session s = connected("dev-a");
        Packet.Publish retained = new Packet.Publish("/devices/dev-a/state", 0, true, false, 0, bytes("x"));
        DevicePolicy.Decision first = policy.onPacket(s, retained, NOW);
        assertThat(of(first, Action.Received.class)).hasSize(1);
        assertThat(factsOf(first, "retain")).isNotEmpty();
        DevicePolicy.Decision second = policy.onPacket(first.session(), retained, NOW);
        assertThat(of(second, Action.Received.class)).hasSize(1);
        assertThat(factsOf(second, "retain")).isEmpty();
    }

    @Test
    void aPublishAnywhereElseIsDeniedAndCloses() {
        for (String topic : List.of("/devices/dev-b/events", "/devices/dev-b/state", "/devices/dev-a/config",
                "/devices/dev-a/commands", "/devices/dev-a/eventsx", "/devices/dev-a/state/x", "/devices/dev-a/events/+",
                "/devices/dev-a/events/#", "/devices/dev-a/events/x/+/y", "/devices/dev-a/../dev-b/state", "#", "",
                "devices/dev-a/events", "/DEVICES/dev-a/events")) {
            for (int qos : new int[] {0, 1}) {
                DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), publish(topic, qos, qos, bytes("x")),
                        NOW);
                assertDropped(d, "denied", "session", "mqtt.topic.denied");
            }
        }
    }

    @Test
    void stateOver64KiBAndTelemetryOver256KiBCloseAsTooLarge() {
        record Case(String topic, int size, boolean ok) {
        }
        for (Case c : List.of(new Case("/devices/dev-a/state", DevicePolicy.MAX_STATE, true),
                new Case("/devices/dev-a/state", DevicePolicy.MAX_STATE + 1, false),
                new Case("/devices/dev-a/events", DevicePolicy.MAX_TELEMETRY, true),
                new Case("/devices/dev-a/events", DevicePolicy.MAX_TELEMETRY + 1, false),
                new Case("/devices/dev-a/events/big", DevicePolicy.MAX_TELEMETRY, true),
                new Case("/devices/dev-a/events/big", DevicePolicy.MAX_TELEMETRY + 1, false))) {
            DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), publish(c.topic(), 1, 1, new byte[c.size()]),
                    NOW);
            if (c.ok()) {
                assertThat(of(d, Action.Received.class)).as(c.toString()).hasSize(1);
                assertThat(d.closes()).isFalse();
            } else {
                assertDropped(d, "dropped", "session", "mqtt.packet-too-large");
            }
        }
        assertThat(DevicePolicy.MAX_STATE).isEqualTo(64 * 1024);
        assertThat(DevicePolicy.MAX_TELEMETRY).isEqualTo(256 * 1024);
    }

    @Test
    void subscribingToTheConfigSendsSubackThenTheCurrentConfig() {
        Session s = connected("dev-c");
        DevicePolicy.Decision d = policy.onPacket(s, subscribe(5, "/devices/dev-c/config", 1), NOW);
        assertThat(sent(d)).hasSize(2);
        assertThat(sent(d).get(0)).isEqualTo(new Outbound.SubAck(5, List.of(1)));
        Outbound.Publish config = (Outbound.Publish) sent(d).get(1);
        assertThat(config.topic()).isEqualTo("/devices/dev-c/config");
        assertThat(config.qos()).isEqualTo(1);
        assertThat(config.packetId()).isPositive();
        assertThat(text(config.payload())).isEqualTo("{\"led\":1}");
        assertThat(d.session().configQos()).isEqualTo(1);
        assertThat(d.session().inflight()).containsEntry(config.packetId(), new Session.InFlight("dev-c", 1L));
        assertThat(d.closes()).isFalse();

        // a newer version is what the next subscription gets
        configs.put("dev-c", new BridgeView.DeviceConfig(2, bytes("{\"led\":2}")));
        DevicePolicy.Decision again = policy.onPacket(d.session(), subscribe(6, "/devices/dev-c/config", 0), NOW);
        assertThat(sent(again)).hasSize(2);
        Outbound.Publish v2 = (Outbound.Publish) sent(again).get(1);
        assertThat(text(v2.payload())).isEqualTo("{\"led\":2}");
        assertThat(v2.qos()).isZero();
        assertThat(v2.packetId()).isZero();
    }

    @Test
    void aDeviceWithoutConfigGetsAnEmptyConfigOnSubscribing() {
        DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), subscribe(1, "/devices/dev-a/config", 1), NOW);
        assertThat(sent(d)).hasSize(2);
        Outbound.Publish config = (Outbound.Publish) sent(d).get(1);
        assertThat(config.topic()).isEqualTo("/devices/dev-a/config");
        assertThat(config.payload()).isEmpty();
    }

    @Test
    void aQos2SubscriptionIsGrantedQos1() {
        DevicePolicy.Decision d = policy.onPacket(connected("dev-c"), subscribe(3, "/devices/dev-c/config", 2,
                "/devices/dev-c/commands/#", 2), NOW);
        assertThat(sent(d).get(0)).isEqualTo(new Outbound.SubAck(3, List.of(1, 1)));
        assertThat(((Outbound.Publish) sent(d).get(1)).qos()).isEqualTo(1);
        assertThat(d.session().configQos()).isEqualTo(1);
        assertThat(d.session().commandsQos()).isEqualTo(1);
    }

    @Test
    void subscribingToTheConfigTwiceSendsItTwice() {
        Session s = connected("dev-c");
        DevicePolicy.Decision first = policy.onPacket(s, subscribe(1, "/devices/dev-c/config", 1), NOW);
        DevicePolicy.Decision second = policy.onPacket(first.session(), subscribe(2, "/devices/dev-c/config", 1), NOW);
        Outbound.Publish a = (Outbound.Publish) sent(first).get(1);
        Outbound.Publish b = (Outbound.Publish) sent(second).get(1);
        assertThat(text(a.payload())).isEqualTo(text(b.payload())).isEqualTo("{\"led\":1}");
        assertThat(b.packetId()).as("a new packet id for the second delivery").isNotEqualTo(a.packetId());
        assertThat(second.session().inflight()).hasSize(2);
    }

    @Test
    void theDevicesCommandsFiltersAreGrantedAndAnythingElseIsRefusedKeepingTheConnection() {
        Session s = connected("dev-a");
        DevicePolicy.Decision d = policy.onPacket(s, subscribe(9, "/devices/dev-a/commands/#", 1,
                "/devices/dev-b/config", 1, "/devices/dev-a/commands", 0, "#", 1, "/devices/dev-a/commands/x", 1,
                "/devices/dev-a/events", 1), NOW);
        assertThat(sent(d)).containsExactly(new Outbound.SubAck(9, List.of(1, 0x80, 0, 0x80, 0x80, 0x80)));
        assertThat(d.closes()).isFalse();
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CONNECTED);
        assertThat(d.session().commandsQos()).isZero();
        assertThat(d.session().configQos()).isEqualTo(-1);
        assertThat(events(d)).hasSize(4).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo("denied");
            assertThat(e.who()).isEqualTo("dev-a");
            assertThat(e.finding().code()).isEqualTo("mqtt.topic.denied");
        });
        assertThat(events(d).get(0).finding().message()).contains("/devices/dev-b/config");
    }

    /**
     * An event's detail is the log line's text (BrokerListener.Event: "one line saying what happened and why"); the
     * broker's log prints it through Messages.printable, which a null detail makes throw, and the bridge drops an
     * event whose listener throws: a refused subscription would never reach the log.
     */
    @Test
    void aRefusedSubscriptionIsAnEventWithADetail() {
        DevicePolicy.Decision d = policy.onPacket(connected("dev-a"), subscribe(9, "/devices/dev-b/config", 1), NOW);
        assertThat(events(d)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("denied");
            assertThat(e.detail()).as("the log line's text").isNotBlank().contains("/devices/dev-b/config");
        });
    }

    @Test
    void aPubackOfAConfigIsRecordedOnce() {
        Session s = connected("dev-c");
        DevicePolicy.Decision sub = policy.onPacket(s, subscribe(1, "/devices/dev-c/config", 1), NOW);
        int id = ((Outbound.Publish) sent(sub).get(1)).packetId();
        DevicePolicy.Decision ack = policy.onPacket(sub.session(), new Packet.PubAck(id), NOW);
        assertThat(of(ack, Action.ConfigAcked.class)).containsExactly(new Action.ConfigAcked("dev-c", 1));
        assertThat(ack.session().inflight()).isEmpty();
        assertThat(ack.closes()).isFalse();
        assertThat(policy.onPacket(ack.session(), new Packet.PubAck(id), NOW).actions()).as("acknowledged twice")
                .isEmpty();
        assertThat(policy.onPacket(ack.session(), new Packet.PubAck(4242), NOW).actions()).as("never sent")
                .isEmpty();
    }

    @Test
    void aPubackOfACommandIsNoConfigAck() {
        Session s = policy.onPacket(connected("dev-a"), subscribe(1, "/devices/dev-a/commands/#", 1), NOW).session();
        DevicePolicy.Decision cmd = policy.onCommand(s, null, bytes("go"));
        int id = ((Outbound.Publish) sent(cmd).get(0)).packetId();
        DevicePolicy.Decision ack = policy.onPacket(cmd.session(), new Packet.PubAck(id), NOW);
        assertThat(of(ack, Action.ConfigAcked.class)).isEmpty();
        assertThat(ack.session().inflight()).isEmpty();
    }

    @Test
    void unsubscribingStopsConfigAndCommandDelivery() {
        Session s = policy.onPacket(connected("dev-a"), subscribe(1, "/devices/dev-a/commands/#", 1,
                "/devices/dev-a/config", 1), NOW).session();
        DevicePolicy.Decision u = policy.onPacket(s, new Packet.Unsubscribe(4, List.of("/devices/dev-a/config",
                "/devices/dev-a/commands/#")), NOW);
        assertThat(sent(u)).containsExactly(new Outbound.UnsubAck(4));
        assertThat(policy.onConfig(u.session(), new BridgeView.DeviceConfig(3, bytes("x"))).actions()).isEmpty();
        assertThat(policy.onCommand(u.session(), "x", bytes("x")).actions()).isEmpty();
    }

    @Test
    void aPingIsAnsweredAndADisconnectEndsTheConnection() {
        Session s = connected("dev-a");
        assertThat(policy.onPacket(s, new Packet.PingReq(), NOW).actions())
                .containsExactly(new Action.Send(new Outbound.PingResp()));
        DevicePolicy.Decision d = policy.onPacket(s, new Packet.Disconnect(), NOW);
        assertThat(events(d)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo("disconnected");
            assertThat(e.finding()).isNull();
        });
        assertThat(d.actions().get(d.actions().size() - 1)).isEqualTo(new Action.Close(false));
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CLOSED);
    }

    @Test
    void serverPacketsAndMalformedPacketsAfterTheConnectClose() {
        assertDropped(policy.onPacket(connected("dev-a"), new Packet.Other("PUBREL"), NOW), "dropped", "session",
                "mqtt.unexpected-packet");
        assertDropped(policy.onPacket(connected("dev-a"), new Packet.Malformed("bad", false, false), NOW), "dropped",
                "session", "mqtt.malformed");
        assertDropped(policy.onPacket(connected("dev-a"), new Packet.Malformed("big", true, false), NOW), "dropped",
                "session", "mqtt.packet-too-large");
    }

    // --- from the bridge's side -------------------------------------------------------------------------------

    @Test
    void aNewConfigIsSentOnlyToASubscribedDevice() {
        BridgeView.DeviceConfig v7 = new BridgeView.DeviceConfig(7, bytes("seven"));
        assertThat(policy.onConfig(Session.fresh(null), v7).actions()).as("not connected").isEmpty();
        Session s = connected("dev-a");
        assertThat(policy.onConfig(s, v7).actions()).as("not subscribed").isEmpty();
        Session sub = policy.onPacket(s, subscribe(1, "/devices/dev-a/config", 1), NOW).session();
        DevicePolicy.Decision d = policy.onConfig(sub, v7);
        assertThat(sent(d)).singleElement().satisfies(p -> {
            Outbound.Publish pub = (Outbound.Publish) p;
            assertThat(pub.topic()).isEqualTo("/devices/dev-a/config");
            assertThat(text(pub.payload())).isEqualTo("seven");
            assertThat(pub.qos()).isEqualTo(1);
            assertThat(d.session().inflight()).containsEntry(pub.packetId(), new Session.InFlight("dev-a", 7L));
        });
        DevicePolicy.Decision closed = policy.onConfig(sub.phase(Session.Phase.CLOSED), v7);
        assertThat(closed.actions()).as("closed").isEmpty();
    }

    @Test
    void aCommandIsDeliveredOnlyToASubscribedDeviceUnderItsSubfolder() {
        Session s = connected("dev-a");
        assertThat(policy.onCommand(s, "x", bytes("go")).actions()).as("not subscribed").isEmpty();
        Session sub = policy.onPacket(s, subscribe(1, "/devices/dev-a/commands/#", 1), NOW).session();
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("reboot", "/devices/dev-a/commands/reboot");
        topics.put("a/b", "/devices/dev-a/commands/a/b");
        topics.put(null, "/devices/dev-a/commands");
        topics.put("", "/devices/dev-a/commands");
        for (Map.Entry<String, String> t : topics.entrySet()) {
            DevicePolicy.Decision d = policy.onCommand(sub, t.getKey(), bytes("go"));
            assertThat(sent(d)).singleElement().satisfies(p -> {
                Outbound.Publish pub = (Outbound.Publish) p;
                assertThat(pub.topic()).isEqualTo(t.getValue());
                assertThat(text(pub.payload())).isEqualTo("go");
                assertThat(pub.qos()).isEqualTo(1);
            });
        }
        assertThat(policy.onCommand(Session.fresh(null), "x", bytes("go")).actions()).as("not connected").isEmpty();
    }

    @Test
    void timersCloseOnlyInThePhaseTheyBelongTo() {
        Session waiting = Session.fresh(null);
        Session up = connected("dev-a");
        Session closed = up.phase(Session.Phase.CLOSED);
        Duration timeout = Duration.ofSeconds(10);

        assertDropped(policy.onTimer(waiting, DevicePolicy.Timer.CONNECT_DEADLINE, NOW, timeout, "127.0.0.1:5"),
                "dropped", "mqtt", "mqtt.connect-timeout");
        assertThat(policy.onTimer(up, DevicePolicy.Timer.CONNECT_DEADLINE, NOW, timeout, "-").actions()).isEmpty();

        assertDropped(policy.onTimer(up, DevicePolicy.Timer.KEEPALIVE, NOW, timeout, "-"), "dropped", "session",
                "mqtt.keepalive");
        assertThat(policy.onTimer(waiting, DevicePolicy.Timer.KEEPALIVE, NOW, timeout, "-").actions()).isEmpty();

        assertDropped(policy.onTimer(up, DevicePolicy.Timer.TOKEN_EXPIRED, NOW, timeout, "-"), "dropped", "session",
                "jwt.exp.expired");
        assertThat(policy.onTimer(waiting, DevicePolicy.Timer.TOKEN_EXPIRED, NOW, timeout, "-").actions()).isEmpty();

        for (DevicePolicy.Timer t : DevicePolicy.Timer.values()) {
            DevicePolicy.Decision d = policy.onTimer(closed, t, NOW, timeout, "-");
            assertThat(d.actions()).as(t.name()).isEmpty();
            assertThat(d.session()).isEqualTo(closed);
        }
    }

    @Test
    void aTakeoverClosesOnlyAConnectedConnection() {
        DevicePolicy.Decision d = policy.onTakeover(connected("dev-a"));
        assertDropped(d, "dropped", "session", "mqtt.takeover");
        assertThat(events(d).get(0).who()).isEqualTo("dev-a");
        assertThat(policy.onTakeover(Session.fresh(null)).actions()).isEmpty();
        assertThat(policy.onTakeover(d.session()).actions()).isEmpty();
    }

    @Test
    void aCloseByTheDeviceIsADisconnectOnlyWhenItWasConnected() {
        DevicePolicy.Decision d = policy.onClosed(connected("dev-a"));
        assertThat(d.actions()).singleElement().isInstanceOfSatisfying(Action.Event.class, e -> {
            assertThat(e.kind()).isEqualTo("disconnected");
            assertThat(e.who()).isEqualTo("dev-a");
        });
        assertThat(d.session().phase()).isEqualTo(Session.Phase.CLOSED);
        DevicePolicy.Decision early = policy.onClosed(Session.fresh(null));
        assertThat(early.actions()).isEmpty();
        assertThat(early.session().phase()).isEqualTo(Session.Phase.CLOSED);
    }

    @Test
    void aClosedConnectionIgnoresEverything() {
        Session closed = policy.onPacket(connected("dev-a"), new Packet.Disconnect(), NOW).session();
        assertThat(closed.closed()).isTrue();
        List<Packet> all = new ArrayList<>(notConnect());
        all.add(connect(A, token));
        all.add(publish("/devices/dev-a/events", 2, 1, bytes("x")));
        all.add(new Packet.Malformed("bad", true, true));
        for (Packet p : all) {
            DevicePolicy.Decision d = policy.onPacket(closed, p, NOW);
            assertThat(d.actions()).as(p.name()).isEmpty();
            assertThat(d.session()).isEqualTo(closed);
        }
        assertThat(policy.onConfig(closed, new BridgeView.DeviceConfig(1, bytes("x"))).actions()).isEmpty();
        assertThat(policy.onCommand(closed, "x", bytes("x")).actions()).isEmpty();
        assertThat(policy.onTakeover(closed).actions()).isEmpty();
        assertThat(policy.onClosed(closed).actions()).isEmpty();
    }

    // --- secrets ----------------------------------------------------------------------------------------------

    @Test
    void noEventOrFactShowsTheTokensSignatureOrThePassword() {
        String password = "correct-horse-battery-staple-0123456789";
        String expired = es(T - 7200, T - 3600);
        String wrongKey = TokenForge.es256(stranger).claims(T, T + 3600, "my-project").build();
        String wrongAud = TokenForge.es256(ec).claims(T, T + 3600, "other").build();
        String padded = TokenForge.es256(ec).padded().claims(T, T + 3600, "my-project").build();
        List<String> secrets = new ArrayList<>(List.of(password));
        List<DevicePolicy.Decision> decisions = new ArrayList<>();
        for (String t : List.of(token, expired, wrongKey, wrongAud, padded)) {
            secrets.add(t.substring(t.lastIndexOf('.') + 1).replace("=", ""));
            decisions.add(policy.onPacket(Session.fresh(null), connect(A, t), NOW));
            decisions.add(policy.onPacket(Session.fresh(null), connect(PREFIX + "dev-nobody", t), NOW));
            // the token where a careless client puts it: client id, user name, Will topic, topics
            decisions.add(policy.onPacket(Session.fresh(null), connect(PREFIX + t, t), NOW));
            decisions.add(policy.onPacket(Session.fresh(null), connect(t, t), NOW));
            decisions.add(policy.onPacket(Session.fresh(null), new Packet.Connect("MQTT", 4, A, t, bytes(t), true, 0,
                    null), NOW));
            decisions.add(policy.onPacket(Session.fresh(null), new Packet.Connect("MQTT", 5, A, t, bytes(t), true, 0,
                    null), NOW));
            decisions.add(policy.onPacket(Session.fresh(null), connect(A, t, 0, new Packet.Will("/devices/dev-b/" + t,
                    0, false, 0)), NOW));
            decisions.add(policy.onPacket(connected("dev-a"), connect(A, t, 0, new Packet.Will(t, 0, false, 0)), NOW));
            decisions.add(policy.onPacket(connected("dev-a"), publish("/devices/dev-b/" + t, 1, 1, bytes(t)), NOW));
            decisions.add(policy.onPacket(connected("dev-a"), subscribe(1, "/devices/" + t + "/config", 1), NOW));
            decisions.add(policy.onPacket(connected("dev-a"), new Packet.Unsubscribe(1, List.of(t)), NOW));
        }
        decisions.add(policy.onPacket(Session.fresh(null), connect(A, password), NOW));
        decisions.add(policy.onPacket(Session.fresh(null), connect(PREFIX + "dev-b", password), NOW));
        List<String> shown = new ArrayList<>();
        for (DevicePolicy.Decision d : decisions) {
            for (Action a : d.actions()) {
                if (a instanceof Action.Event e) {
                    shown.add("event " + e.kind() + " detail: " + e.detail());
                    if (e.finding() != null) {
                        shown.add("finding " + e.finding().code() + ": " + e.finding().message());
                        shown.add("hint of " + e.finding().code() + ": " + e.finding().hint());
                    }
                } else if (a instanceof Action.Fact f) {
                    shown.add("fact " + f.key() + ": " + f.value());
                }
            }
        }
        assertThat(shown).as("texts looked at").hasSizeGreaterThan(100);
        for (String text : shown) {
            for (String secret : secrets) {
                assertThat(text).as("a secret in a report line").doesNotContain(secret);
            }
        }
    }

    /**
     * The event's {@code who} is the device column of the bridge's log line (BrokerLog prints it as it is). A client
     * id of the registry's form whose device part is a pasted token names no device, and is refused
     * device.unknown: the column must show it as a client id is shown, without the token's signature.
     */
    @Test
    void theDeviceColumnOfALogLineShowsNoTokenSignature() {
        List<Action.Event> events = new ArrayList<>();
        for (String t : List.of(token, TokenForge.es256(stranger).claims(T, T + 3600, "my-project").build())) {
            String signature = t.substring(t.lastIndexOf('.') + 1);
            events.clear();
            events.addAll(events(policy.onPacket(Session.fresh(null), connect(PREFIX + t, t), NOW)));
            events.addAll(events(policy.onPacket(Session.fresh(null), connect(
                    "projects/p/locations/r/registries/g/devices/" + t, t), NOW)));
            assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.who()).as("who of " + e.finding().code())
                    .doesNotContain(signature));
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
