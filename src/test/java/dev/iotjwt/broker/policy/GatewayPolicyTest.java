package dev.iotjwt.broker.policy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.broker.DeviceAuthenticator;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.iotjwt.broker.policy.DevicePolicyTest.bytes;
import static dev.iotjwt.broker.policy.DevicePolicyTest.events;
import static dev.iotjwt.broker.policy.DevicePolicyTest.factsOf;
import static dev.iotjwt.broker.policy.DevicePolicyTest.of;
import static dev.iotjwt.broker.policy.DevicePolicyTest.publish;
import static dev.iotjwt.broker.policy.DevicePolicyTest.sent;
import static dev.iotjwt.broker.policy.DevicePolicyTest.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gateways as IoT Core defined them, through the policy alone: attach and detach under each auth method, publishing
 * and subscribing for attached devices, the errors topic in IoT Core's JSON shape, and what a device that is not a
 * gateway gets for a control message.
 */
class GatewayPolicyTest {
    static final Instant NOW = Fixtures.NOW;
    static final long T = NOW.getEpochSecond();
    static final Duration SKEW = Duration.ofMinutes(10);
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";

    static PrivateKey ec;
    static Registry registry;

    final Map<String, BridgeView.GatewayAuth> gateways = new HashMap<>();
    final Set<String> bindings = new java.util.HashSet<>();
    final Map<String, BridgeView.DeviceConfig> configs = new HashMap<>();
    DevicePolicy policy;

    @BeforeAll
    static void keys() throws Exception {
        ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        for (String id : List.of("gw-1", "dev-a", "dev-b", "plain")) {
            r = r.with(Registry.deviceOf(id, Fixtures.key("p256_public.pem"), null));
        }
        r = r.with(new Registry.Device("dev-blocked", true, r.devices().get("dev-a").credentials(), null));
        registry = r;
    }

    @BeforeEach
    void policy() {
        gateways.clear();
        bindings.clear();
        configs.clear();
        gateways.put("gw-1", BridgeView.GatewayAuth.ASSOCIATION_ONLY);
        bindings.add("gw-1/dev-a");
        bindings.add("gw-1/dev-blocked");
        configs.put("dev-a", new BridgeView.DeviceConfig(3, bytes("{\"fan\":1}")));
        BridgeView view = new BridgeView() {
            @Override
            public Registry registry() {
                return registry;
            }

            @Override
            public DeviceConfig config(String device) {
                return configs.getOrDefault(device, DeviceConfig.NONE);
            }

            @Override
            public GatewayAuth gatewayAuth(String device) {
                return gateways.get(device);
            }

            @Override
            public boolean bound(String gateway, String device) {
                return bindings.contains(gateway + "/" + device);
            }
        };
        policy = new DevicePolicy(new DeviceAuthenticator(registry, false, SKEW), view, SKEW);
    }

    static String token(long iat, long exp) {
        return TokenForge.es256(ec).claims(iat, exp, "my-project").build();
    }

    Session connected(String device) {
        DevicePolicy.Decision d = policy.onPacket(Session.fresh("localhost"), DevicePolicyTest.connect(PREFIX + device,
                token(T, T + 3600)), NOW);
        assertThat(d.session().phase()).as(d.actions().toString()).isEqualTo(Session.Phase.CONNECTED);
        return d.session();
    }

    /** The gateway connected and subscribed to its errors topic. */
    Session gatewayWithErrors() {
        DevicePolicy.Decision d = policy.onPacket(connected("gw-1"), subscribe(1, "/devices/gw-1/errors", 0), NOW);
        assertThat(sent(d)).containsExactly(new Outbound.SubAck(1, List.of(0)));
        return d.session();
    }

    DevicePolicy.Decision attach(Session s, String device, String payload, int packetId) {
        return policy.onPacket(s, publish("/devices/" + device + "/attach", 1, packetId, bytes(payload)), NOW);
    }

    /** The one error the gateway was sent on its errors topic, as JSON. */
    static JsonObject errorSent(DevicePolicy.Decision d) {
        List<Outbound.Publish> errors = sent(d).stream().filter(p -> p instanceof Outbound.Publish)
                .map(p -> (Outbound.Publish) p).filter(p -> p.topic().equals("/devices/gw-1/errors")).toList();
        assertThat(errors).as(d.actions().toString()).hasSize(1);
        assertThat(errors.get(0).qos()).isZero();
        return JsonParser.parseString(new String(errors.get(0).payload(), StandardCharsets.UTF_8)).getAsJsonObject();
    }

    @Test
    void aBoundDeviceAttachesByAssociationAndTheGatewayPublishesForIt() {
        Session s = gatewayWithErrors();
        // Google's Python sample attaches with an empty authorization under association-only
        DevicePolicy.Decision d = attach(s, "dev-a", "{\"authorization\" : \"\"}", 7);
        assertThat(sent(d)).containsExactly(new Outbound.PubAck(7));
        assertThat(of(d, Action.Attachment.class)).containsExactly(new Action.Attachment("dev-a", true));
        assertThat(factsOf(d, "attached")).isEqualTo("'dev-a' (association)");
        assertThat(d.closes()).isFalse();
        s = d.session();
        assertThat(s.attached()).containsOnlyKeys("dev-a");

        DevicePolicy.Decision ev = policy.onPacket(s, publish("/devices/dev-a/events/sensors", 1, 8, bytes("21")), NOW);
        assertThat(of(ev, Action.Received.class)).singleElement().satisfies(r -> {
            assertThat(r.device()).isEqualTo("dev-a");
            assertThat(r.topic()).isEqualTo("/devices/dev-a/events/sensors");
            assertThat(r.state()).isFalse();
        });
        assertThat(sent(ev)).containsExactly(new Outbound.PubAck(8));
        DevicePolicy.Decision st = policy.onPacket(s, publish("/devices/dev-a/state", 0, 0, bytes("on")), NOW);
        assertThat(of(st, Action.Received.class)).singleElement().satisfies(r -> assertThat(r.state()).isTrue());
        // the gateway's own topics work as for any device
        DevicePolicy.Decision own = policy.onPacket(s, publish("/devices/gw-1/state", 0, 0, bytes("up")), NOW);
        assertThat(of(own, Action.Received.class)).singleElement().satisfies(r -> assertThat(r.device())
                .isEqualTo("gw-1"));
    }

    @Test
    void theGatewaySubscribesForAnAttachedDeviceAndGetsItsConfigAndCommands() {
        Session s = attach(gatewayWithErrors(), "dev-a", "{}", 2).session();
        DevicePolicy.Decision d = policy.onPacket(s, subscribe(3, "/devices/dev-a/config", 1,
                "/devices/dev-a/commands/#", 2), NOW);
        assertThat(sent(d).get(0)).isEqualTo(new Outbound.SubAck(3, List.of(1, 1)));
        Outbound.Publish config = (Outbound.Publish) sent(d).get(1);
        assertThat(config.topic()).isEqualTo("/devices/dev-a/config");
        assertThat(new String(config.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"fan\":1}");
        s = d.session();
        assertThat(s.inflight()).containsEntry(config.packetId(), new Session.InFlight("dev-a", 3));

        DevicePolicy.Decision ack = policy.onPacket(s, new Packet.PubAck(config.packetId()), NOW);
        assertThat(of(ack, Action.ConfigAcked.class)).containsExactly(new Action.ConfigAcked("dev-a", 3));

        DevicePolicy.Decision v4 = policy.onConfig(ack.session(), "dev-a", new BridgeView.DeviceConfig(4, bytes("x")));
        assertThat(sent(v4)).singleElement().satisfies(p -> assertThat(((Outbound.Publish) p).topic())
                .isEqualTo("/devices/dev-a/config"));
        DevicePolicy.Decision cmd = policy.onCommand(ack.session(), "dev-a", "reboot", bytes("now"));
        assertThat(sent(cmd)).singleElement().satisfies(p -> assertThat(((Outbound.Publish) p).topic())
                .isEqualTo("/devices/dev-a/commands/reboot"));
        // a device that is not attached here gets nothing through this connection
        assertThat(policy.onCommand(ack.session(), "dev-b", null, bytes("x")).actions()).isEmpty();
        assertThat(policy.onConfig(ack.session(), "dev-b", BridgeView.DeviceConfig.NONE).actions()).isEmpty();

        DevicePolicy.Decision detach = policy.onPacket(ack.session(), publish("/devices/dev-a/detach", 1, 9,
                bytes("{}")), NOW);
        assertThat(sent(detach)).containsExactly(new Outbound.PubAck(9));
        assertThat(of(detach, Action.Attachment.class)).containsExactly(new Action.Attachment("dev-a", false));
        assertThat(policy.onCommand(detach.session(), "dev-a", null, bytes("x")).actions()).isEmpty();
    }

    @Test
    void attachRefusalsGoToTheErrorsTopicAndTheConnectionStays() {
        Session s = gatewayWithErrors();
        // an unknown device: Google's own test attaches "invalid_device_id" and expects GATEWAY_ATTACHMENT_ERROR
        DevicePolicy.Decision unknown = attach(s, "invalid_device_id", "{\"authorization\" : \"\"}", 4);
        JsonObject e = errorSent(unknown);
        assertThat(e.get("error_type").getAsString()).isEqualTo("GATEWAY_ATTACHMENT_ERROR");
        assertThat(e.get("device_id").getAsString()).isEqualTo("invalid_device_id");
        assertThat(e.get("description").getAsString()).contains("not in the registry");
        assertThat(e.getAsJsonObject("mqtt_message_info").get("topic").getAsString())
                .isEqualTo("/devices/invalid_device_id/attach");
        assertThat(e.getAsJsonObject("mqtt_message_info").get("packet_id").getAsInt()).isEqualTo(4);
        assertThat(events(unknown)).singleElement().satisfies(ev -> assertThat(ev.finding().code())
                .isEqualTo("device.unknown"));
        assertThat(sent(unknown)).noneMatch(p -> p instanceof Outbound.PubAck);
        assertThat(unknown.closes()).isFalse();
        assertThat(unknown.session().attached()).isEmpty();

        DevicePolicy.Decision notBound = attach(s, "dev-b", "{}", 5);
        assertThat(errorSent(notBound).get("error_type").getAsString()).isEqualTo("GATEWAY_ATTACHMENT_ERROR");
        assertThat(events(notBound).get(0).finding().code()).isEqualTo("gateway.not-bound");

        DevicePolicy.Decision blocked = attach(s, "dev-blocked", "{}", 6);
        assertThat(events(blocked).get(0).finding().code()).isEqualTo("device.blocked");

        // without the errors subscription the refusal is only in the report
        DevicePolicy.Decision quiet = attach(connected("gw-1"), "dev-b", "{}", 5);
        assertThat(sent(quiet)).isEmpty();
        assertThat(events(quiet).get(0).finding().code()).isEqualTo("gateway.not-bound");
    }

    @Test
    void publishingOrSubscribingForADeviceNotAttachedIsRefusedWithDeviceNotFound() {
        Session s = gatewayWithErrors();
        DevicePolicy.Decision pub = policy.onPacket(s, publish("/devices/dev-a/events", 1, 3, bytes("x")), NOW);
        assertThat(errorSent(pub).get("error_type").getAsString()).isEqualTo("GATEWAY_DEVICE_NOT_FOUND");
        assertThat(events(pub).get(0).finding().code()).isEqualTo("gateway.not-attached");
        assertThat(of(pub, Action.Received.class)).isEmpty();
        assertThat(pub.closes()).isFalse();

        DevicePolicy.Decision sub = policy.onPacket(s, subscribe(4, "/devices/dev-a/config", 1), NOW);
        assertThat(sent(sub).get(0)).isEqualTo(new Outbound.SubAck(4, List.of(0x80)));
        assertThat(errorSent(sub).get("error_type").getAsString()).isEqualTo("GATEWAY_DEVICE_NOT_FOUND");
    }

    @Test
    void underTokenAuthTheAttachNeedsTheDevicesOwnValidToken() {
        gateways.put("gw-1", BridgeView.GatewayAuth.DEVICE_AUTH_TOKEN_ONLY);
        Session s = gatewayWithErrors();
        DevicePolicy.Decision none = attach(s, "dev-b", "{}", 1);
        assertThat(events(none).get(0).finding().code()).isEqualTo("gateway.attach-token");
        assertThat(none.session().attached()).isEmpty();

        DevicePolicy.Decision expired = attach(s, "dev-b", "{\"authorization\": \"" + token(T - 7200, T - 3600)
                + "\"}", 2);
        assertThat(events(expired).get(0).finding().code()).isEqualTo("gateway.attach-token");
        assertThat(events(expired).get(0).finding().message()).contains("jwt.exp.expired");

        // not bound, but the token is enough; Google's Node sample sent it without quotes: read leniently
        DevicePolicy.Decision ok = attach(s, "dev-b", "{ 'authorization' : " + token(T, T + 600) + " }", 3);
        assertThat(sent(ok)).containsExactly(new Outbound.PubAck(3));
        assertThat(factsOf(ok, "attach payload")).contains("not strict JSON");
        Session.Attached at = ok.session().attached().get("dev-b");
        assertThat(at.how()).isEqualTo("token");
        assertThat(at.until()).isEqualTo(Instant.ofEpochSecond(T + 600).plus(SKEW));

        // once the attached device's token is past exp + skew, its messages are refused and it is detached
        Instant late = Instant.ofEpochSecond(T + 600).plus(SKEW).plusSeconds(1);
        DevicePolicy.Decision after = policy.onPacket(ok.session(), publish("/devices/dev-b/events", 0, 0,
                bytes("x")), late);
        assertThat(errorSent(after).get("error_type").getAsString()).isEqualTo("GATEWAY_DETACHMENT_DEVICE_ERROR");
        assertThat(of(after, Action.Received.class)).isEmpty();
        assertThat(of(after, Action.Attachment.class)).containsExactly(new Action.Attachment("dev-b", false));
        assertThat(after.session().attached()).isEmpty();
    }

    @Test
    void associationAndTokenNeedsBoth() {
        gateways.put("gw-1", BridgeView.GatewayAuth.ASSOCIATION_AND_DEVICE_AUTH_TOKEN);
        Session s = gatewayWithErrors();
        String good = "{\"authorization\": \"" + token(T, T + 600) + "\"}";
        assertThat(events(attach(s, "dev-b", good, 1)).get(0).finding().code()).isEqualTo("gateway.not-bound");
        assertThat(events(attach(s, "dev-a", "{}", 2)).get(0).finding().code()).isEqualTo("gateway.attach-token");
        DevicePolicy.Decision ok = attach(s, "dev-a", good, 3);
        assertThat(sent(ok)).containsExactly(new Outbound.PubAck(3));
        assertThat(ok.session().attached().get("dev-a").how()).isEqualTo("association and token");
    }

    @Test
    void aDeviceThatIsNotAGatewayIsClosedForAControlMessageAndCannotSubscribeToErrors() {
        Session s = connected("plain");
        DevicePolicyTest.assertDropped(policy.onPacket(s, publish("/devices/dev-a/attach", 1, 1, bytes("{}")), NOW),
                "dropped", "session", "gateway.not-gateway");
        DevicePolicyTest.assertDropped(policy.onPacket(s, publish("/devices/plain/detach", 1, 1, bytes("{}")), NOW),
                "dropped", "session", "gateway.not-gateway");
        DevicePolicy.Decision sub = policy.onPacket(s, subscribe(2, "/devices/plain/errors", 0), NOW);
        assertThat(sent(sub)).containsExactly(new Outbound.SubAck(2, List.of(0x80)));
        // and another device's telemetry topic still closes the connection, as before
        DevicePolicyTest.assertDropped(policy.onPacket(s, publish("/devices/dev-a/events", 0, 0, bytes("x")), NOW),
                "denied", "session", "mqtt.topic.denied");
    }

    @Test
    void aGatewayWithoutAnAuthMethodLetsNoDeviceAttach() {
        gateways.put("gw-1", BridgeView.GatewayAuth.UNSPECIFIED);
        DevicePolicy.Decision d = attach(gatewayWithErrors(), "dev-a", "{}", 1);
        assertThat(errorSent(d).get("error_type").getAsString()).isEqualTo("GATEWAY_ATTACHMENT_ERROR");
        assertThat(events(d).get(0).finding().code()).isEqualTo("gateway.no-auth-method");
        assertThat(d.session().attached()).isEmpty();
        assertThat(d.closes()).isFalse();
    }

    @Test
    void aGatewaysErrorsSubscriptionIsGrantedQos0() {
        Session s = connected("gw-1");
        DevicePolicy.Decision d = policy.onPacket(s, subscribe(1, "/devices/gw-1/errors", 1), NOW);
        assertThat(sent(d)).containsExactly(new Outbound.SubAck(1, List.of(0)));
        assertThat(factsOf(d, "subscribed")).contains("QoS 0 only");
        assertThat(d.session().errorsQos()).isZero();
        DevicePolicy.Decision u = policy.onPacket(d.session(), new Packet.Unsubscribe(2,
                List.of("/devices/gw-1/errors")), NOW);
        assertThat(u.session().errorsQos()).isEqualTo(-1);
    }
}
