package dev.iotjwt.broker.policy;

import dev.iotjwt.Messages;
import dev.iotjwt.broker.DeviceAuthenticator;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.mqtt.ClientIds;
import dev.iotjwt.time.Times;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IoT Core's MQTT bridge as one pure function: (what is known of the connection, one packet or timer, the devices,
 * the time) → what to do. It has no sockets, threads or Netty types; the bridge applies its {@link Decision}s in
 * order, and every rule is tested and fuzzed here directly.
 *
 * <p>The rules (MQTT 3.1.1 and what IoT Core did): the first packet must be a CONNECT; a second CONNECT closes the
 * connection (§3.1.0-2); a CONNECT is judged whole, its Will included, however it arrives; packets after an accepted
 * CONNECT are judged in order; a device publishes only to its own events (with subfolders) and state topics and
 * subscribes only to its own config and commands; QoS 2 PUBLISH closes the connection, QoS 2 SUBSCRIBE is granted
 * QoS 1; retain flags are ignored; telemetry up to 256 KiB and state up to 64 KiB; the config is sent on every config
 * subscription (an empty payload when none was set) and again whenever it changes; the connection is closed at token
 * exp plus the skew and when the keep-alive (×1.5) passes without a packet.
 */
public final class DevicePolicy {
    /** IoT Core's limit for a telemetry payload. */
    public static final int MAX_TELEMETRY = 256 * 1024;
    /** IoT Core's limit for a state payload (and a config). */
    public static final int MAX_STATE = 64 * 1024;
    /** IoT Core's longest keep-alive; a CONNECT with keep-alive 0 gets this idle limit. */
    public static final Duration MAX_KEEPALIVE = Duration.ofMinutes(20);

    private final DeviceAuthenticator authenticator;
    private final BridgeView view;
    private final Duration skew;

    public DevicePolicy(DeviceAuthenticator authenticator, BridgeView view, Duration skew) {
        this.authenticator = authenticator;
        this.view = view;
        this.skew = skew;
    }

    /** The new state and what to do, in order. */
    public record Decision(Session session, List<Action> actions) {
        public Decision {
            actions = List.copyOf(actions);
        }

        public boolean closes() {
            return actions.stream().anyMatch(a -> a instanceof Action.Close);
        }
    }

    /** The timers a connection has. */
    public enum Timer {
        /** The connect timeout passed without a complete CONNECT. */
        CONNECT_DEADLINE,
        /** No packet within 1.5 times the keep-alive. */
        KEEPALIVE,
        /** The token's exp plus the skew passed. */
        TOKEN_EXPIRED
    }

    /** Judges one packet from the device. */
    public Decision onPacket(Session s, Packet p, Instant now) {
        return switch (s.phase()) {
            case CLOSED -> new Decision(s, List.of());
            case AWAITING_CONNECT -> first(s, p, now);
            case CONNECTED -> connected(s, p, now);
        };
    }

    private Decision first(Session s, Packet p, Instant now) {
        if (p instanceof Packet.Connect c) {
            return connect(s, c, now);
        }
        if (p instanceof Packet.Malformed m) {
            if (m.badVersion()) {
                return refuse(s, null, 1, "mqtt.protocol-version", "the CONNECT names a protocol that is not MQTT"
                        + " 3.1.1: " + m.reason() + "; IoT Core speaks MQTT 3.1.1 only and answered CONNACK 1",
                        "set the MQTT client to protocol level 4 (3.1.1)");
            }
            return drop(s, null, "mqtt", m.tooLarge() ? "mqtt.packet-too-large" : "mqtt.malformed",
                    "the first packet does not decode as an MQTT CONNECT: " + m.reason(),
                    "the device must send a well-formed MQTT 3.1.1 CONNECT first");
        }
        return drop(s, null, "mqtt", "mqtt.first-packet", "the first packet is " + p.name() + ", not CONNECT; MQTT"
                + " 3.1.1 (§3.1.0-1) closes such a connection", "send CONNECT first and wait for its CONNACK");
    }

    private Decision connect(Session s, Packet.Connect c, Instant now) {
        List<Action> a = new ArrayList<>();
        String who = whoOf(c.clientId());
        s = s.clientId(c.clientId());
        a.add(new Action.Fact("mqtt", "protocol", protocol(c)));
        a.add(new Action.Fact("mqtt", "client id", ClientIds.quote(c.clientId())));
        a.add(new Action.Fact("mqtt", "keep-alive", c.keepAlive() == 0 ? "0 (off; the bridge closes an idle"
                + " connection after " + Times.human(MAX_KEEPALIVE) + ")" : c.keepAlive() + " s"));
        if (c.level() != 4) {
            String level = c.level() == 3 ? " (MQTT 3.1)" : c.level() == 5 ? " (MQTT 5)" : "";
            return refuse(s, who, 1, "mqtt.protocol-version", "the CONNECT is protocol level " + c.level() + level
                    + "; IoT Core speaks MQTT 3.1.1 (level 4) only and answered CONNACK 1",
                    "set the client to 3.1.1 (Paho: MqttConnectOptions.setMqttVersion(MQTT_VERSION_3_1_1); paho-mqtt"
                            + " Python: protocol=MQTTv311)", a);
        }
        if (c.will() != null) {
            String topic = shown(c.will().topic());
            String other = otherDevice(c.will().topic(), ClientIds.parse(c.clientId()));
            return refuse(s, who, 5, "mqtt.will", "the CONNECT carries a Last Will (topic '" + topic + "')"
                    + (other != null ? ", aimed at another device's topics ('" + shown(other) + "')" : "")
                    + "; IoT Core did not support Last Will messages: connect without one",
                    "remove the Will from the connect options", a);
        }
        if (c.password() == null) {
            return refuse(s, who, 5, "mqtt.no-password", "the CONNECT carries no"
                    + " user name and password; IoT Core needs the JWT as the MQTT password (with any user name,"
                    + " e.g. 'unused')", "set the user name to 'unused' and the password to the JWT", a);
        }
        DeviceAuthenticator.Decision d = authenticator.authenticate(c.clientId(), c.password(), now);
        for (Finding f : d.findings()) {
            a.add(new Action.Fact("mqtt", "token", f.severity().text() + " " + f.code() + ": " + f.message()));
        }
        who = d.device() != null ? ClientIds.quote(d.device()) : who;
        if (!d.accepted()) {
            Finding reason = d.findings().stream().filter(f -> f.code().equals(d.code())).findFirst().orElse(null);
            return refuse(s, who, 5, d.code(), d.reason(), reason == null ? null : reason.hint(), a);
        }
        if (!c.cleanSession()) {
            a.add(new Action.Fact("mqtt", "clean session", "false: IoT Core kept no session state; every"
                    + " connection starts clean"));
        }
        Duration idle = c.keepAlive() == 0 ? MAX_KEEPALIVE
                : Duration.ofMillis(c.keepAlive() * 1500L).compareTo(MAX_KEEPALIVE) > 0 ? MAX_KEEPALIVE
                : Duration.ofMillis(c.keepAlive() * 1500L);
        a.add(new Action.Send(new Outbound.ConnAck(0)));
        a.add(new Action.Fact("mqtt", "CONNACK", "0 (accepted)"));
        a.add(new Action.Accept(d.device(), c.clientId(), d.expiresAt(), idle));
        a.add(new Action.Event("accepted", d.device(), "mqtt", null, "connected" + (s.sni() != null ? " (SNI "
                + Messages.printable(s.sni()) + ")" : " (no SNI)") + "; " + validity(d.expiresAt(), now)));
        return new Decision(s.connected(c.clientId(), d.device()), a);
    }

    private Decision connected(Session s, Packet p, Instant now) {
        String device = s.device();
        if (p instanceof Packet.Publish pub) {
            return publish(s, pub, now);
        }
        if (p instanceof Packet.Subscribe sub) {
            return subscribe(s, sub);
        }
        if (p instanceof Packet.Unsubscribe u) {
            int config = s.configQos();
            int commands = s.commandsQos();
            int errors = s.errorsQos();
            Map<String, Session.Attached> attached = new HashMap<>(s.attached());
            for (String t : u.topics()) {
                Topic topic = Topic.of(t);
                Session.Attached other = topic == null ? null : attached.get(topic.device());
                if (t.equals(ClientIds.configTopic(device))) {
                    config = -1;
                } else if (isCommandsFilter(t, device)) {
                    commands = -1;
                } else if (t.equals(errorsTopic(device))) {
                    errors = -1;
                } else if (other != null && t.equals(ClientIds.configTopic(topic.device()))) {
                    attached.put(topic.device(), other.subscriptions(-1, other.commandsQos()));
                } else if (other != null && isCommandsFilter(t, topic.device())) {
                    attached.put(topic.device(), other.subscriptions(other.configQos(), -1));
                }
            }
            return new Decision(s.subscriptions(config, commands).errors(errors).attached(attached), List.of(
                    new Action.Send(new Outbound.UnsubAck(u.packetId())), new Action.Fact("session", "unsubscribed",
                    String.join(", ", u.topics().stream().map(DevicePolicy::shown).toList()))));
        }
        if (p instanceof Packet.PubAck ack) {
            Session.InFlight f = s.inflight().get(ack.packetId());
            if (f == null) {
                return new Decision(s, List.of());
            }
            Map<Integer, Session.InFlight> left = new HashMap<>(s.inflight());
            left.remove(ack.packetId());
            List<Action> a = new ArrayList<>();
            if (f.version() >= 0) {
                a.add(new Action.ConfigAcked(f.device(), f.version()));
                a.add(new Action.Fact("session", "config acknowledged", (f.device().equals(device) ? ""
                        : "device '" + f.device() + "', ") + "version " + f.version()));
            }
            return new Decision(s.inflight(left, s.nextPacketId()), a);
        }
        if (p instanceof Packet.PingReq) {
            return new Decision(s, List.of(new Action.Send(new Outbound.PingResp())));
        }
        if (p instanceof Packet.Disconnect) {
            return new Decision(s.phase(Session.Phase.CLOSED), List.of(new Action.Event("disconnected", device,
                    "session", null, "the device disconnected"), new Action.Close(false)));
        }
        if (p instanceof Packet.Connect c) {
            String will = c.will() == null ? "" : " carrying a Last Will for '" + shown(c.will().topic()) + "'";
            return drop(s, device, "session", "mqtt.second-connect", "a second CONNECT" + will + " arrived on the"
                    + " connected connection; MQTT 3.1.1 (§3.1.0-2) treats it as a protocol violation and the bridge"
                    + " closes the connection", "send CONNECT once per connection");
        }
        if (p instanceof Packet.Malformed m) {
            return drop(s, device, "session", m.tooLarge() ? "mqtt.packet-too-large" : "mqtt.malformed",
                    m.tooLarge() ? "a packet is larger than IoT Core allowed (" + m.reason() + ")"
                            : "a packet does not decode as MQTT 3.1.1: " + m.reason(),
                    m.tooLarge() ? "keep telemetry to 256 KiB and state to 64 KiB a message"
                            : "send well-formed MQTT 3.1.1 packets");
        }
        return drop(s, device, "session", "mqtt.unexpected-packet", "the device sent " + p.name() + ", which a"
                + " device never sends in IoT Core's protocol (QoS 2 flows and server packets are not accepted)",
                "publish with QoS 0 or 1 and send only client packets");
    }

    private Decision publish(Session s, Packet.Publish pub, Instant now) {
        String device = s.device();
        String t = pub.topic();
        if (pub.qos() == 2) {
            return drop(s, device, "session", "mqtt.qos2", "a QoS 2 PUBLISH arrived; IoT Core does"
                    + " not support QoS 2 and closes the connection: publish with QoS 0 or 1", "publish with QoS 0"
                    + " or 1");
        }
        Topic topic = Topic.of(t);
        if (topic != null && (topic.kind().equals("attach") || topic.kind().equals("detach"))) {
            return control(s, pub, topic, now);
        }
        if (topic != null && !topic.device().equals(device) && isDeviceTopic(t, topic.device())
                && view.gatewayAuth(device) != null) {
            return onBehalf(s, pub, topic.device(), now);
        }
        if (!isDeviceTopic(t, device)) {
            return deny(s, "mqtt.topic.denied", "publish to '" + shown(t) + "' refused: a device"
                    + " publishes only to " + ClientIds.eventsTopic(device) + "[/SUBFOLDER] and "
                    + ClientIds.stateTopic(device) + "; IoT Core closes the connection", "publish to the device's own"
                    + " events or state topic");
        }
        return received(s, pub, device, new ArrayList<>());
    }

    /** Telemetry or state of {@code device} (the connection's own, or one a gateway attached), kept and acked. */
    private Decision received(Session s, Packet.Publish pub, String device, List<Action> a) {
        String t = pub.topic();
        boolean state = t.equals(ClientIds.stateTopic(device));
        int limit = state ? MAX_STATE : MAX_TELEMETRY;
        if (pub.payload().length > limit) {
            return drop(s, s.device(), "session", "mqtt.packet-too-large", (state ? "a state" : "a telemetry")
                    + " message of " + pub.payload().length + " bytes; IoT Core took at most " + limit / 1024
                    + " KiB and closed the connection", "send " + (state ? "state" : "telemetry") + " of at most "
                    + limit / 1024 + " KiB a message");
        }
        a.add(new Action.Received(device, t, pub.qos(), pub.payload(), state));
        if (pub.qos() == 1) {
            a.add(new Action.Send(new Outbound.PubAck(pub.packetId())));
        }
        Session next = s;
        if (pub.retain() && !s.retainSeen()) {
            next = s.withRetainSeen();
            a.add(new Action.Fact("session", "retain", "a PUBLISH has the retain flag set; IoT Core kept no retained"
                    + " messages and ignored it"));
        }
        return new Decision(next, a);
    }

    /** A gateway publishes telemetry or state for another device: only for one attached, while its token lasts. */
    private Decision onBehalf(Session s, Packet.Publish pub, String other, Instant now) {
        Session.Attached at = s.attached().get(other);
        if (at == null) {
            return gatewayError(s, "GATEWAY_DEVICE_NOT_FOUND", other, "PUBLISH", pub.topic(), pub.packetId(),
                    "gateway.not-attached", "publish to '" + shown(pub.topic()) + "' for device '" + other
                    + "', which is not attached to gateway '" + s.device() + "'; IoT Core dropped the message and"
                    + " sent the gateway GATEWAY_DEVICE_NOT_FOUND on its errors topic", "attach the device first:"
                    + " publish to /devices/" + other + "/attach (QoS 1) and wait for its PUBACK");
        }
        if (at.until() != null && !now.isBefore(at.until())) {
            Map<String, Session.Attached> left = new HashMap<>(s.attached());
            left.remove(other);
            Decision d = gatewayError(s.attached(left), "GATEWAY_DETACHMENT_DEVICE_ERROR", other, "PUBLISH",
                    pub.topic(), pub.packetId(), "jwt.exp.expired", "the token device '" + other + "' was attached"
                    + " with expired at " + Times.iso(at.until().minus(skew)) + " (exp + " + Times.human(skew)
                    + " skew); the device is detached and its message dropped", "attach the device again with a"
                    + " fresh token before its exp");
            List<Action> a = new ArrayList<>(d.actions());
            a.add(new Action.Attachment(other, false));
            return new Decision(d.session(), a);
        }
        return received(s, pub, other, new ArrayList<>());
    }

    /** attach or detach, from a gateway; from any other device it closes the connection, as IoT Core did. */
    private Decision control(Session s, Packet.Publish pub, Topic topic, Instant now) {
        String gateway = s.device();
        String other = topic.device();
        BridgeView.GatewayAuth auth = view.gatewayAuth(gateway);
        if (auth == null) {
            return drop(s, gateway, "session", "gateway.not-gateway", "a control message (" + topic.kind() + " for"
                    + " device '" + shown(other) + "') from device '" + gateway + "', which is not a gateway; IoT Core"
                    + " accepted attach and detach only from gateways and closed the connection", "make the device a"
                    + " gateway (gatewayConfig.gatewayType GATEWAY) and bind its devices to it, or do not publish to"
                    + " attach or detach");
        }
        List<Action> a = new ArrayList<>();
        Map<String, Session.Attached> attached = new HashMap<>(s.attached());
        if (topic.kind().equals("detach")) {
            boolean was = attached.remove(other) != null;
            if (pub.qos() == 1) {
                a.add(new Action.Send(new Outbound.PubAck(pub.packetId())));
            }
            a.add(new Action.Fact("session", "detached", "'" + shown(other) + "'"
                    + (was ? "" : " (was not attached)")));
            if (was) {
                a.add(new Action.Attachment(other, false));
                a.add(new Action.Event("detached", ClientIds.quote(other), "session", null, "detached from gateway '"
                        + gateway + "'"));
            }
            return new Decision(s.attached(attached), a);
        }
        if (!view.registered(other)) {
            return gatewayError(s, "GATEWAY_ATTACHMENT_ERROR", other, "PUBLISH", pub.topic(), pub.packetId(),
                    "device.unknown", "gateway '" + gateway + "' asked to attach device '" + shown(other) + "', which"
                    + " is not in the registry", "create the device in the registry (and bind it to the gateway)");
        }
        if (view.blocked(other)) {
            return gatewayError(s, "GATEWAY_ATTACHMENT_ERROR", other, "PUBLISH", pub.topic(), pub.packetId(),
                    "device.blocked", "gateway '" + gateway + "' asked to attach device '" + other + "', which is"
                    + " blocked", "unblock the device (blocked: false)");
        }
        if (auth.needsAssociation() && !view.bound(gateway, other)) {
            return gatewayError(s, "GATEWAY_ATTACHMENT_ERROR", other, "PUBLISH", pub.topic(), pub.packetId(),
                    "gateway.not-bound", "device '" + other + "' is not bound to gateway '" + gateway + "', and the"
                    + " gateway's auth method " + auth + " needs the association", "bind the device to the gateway"
                    + " (bindDeviceToGateway), or change the gateway's auth method to DEVICE_AUTH_TOKEN_ONLY and"
                    + " attach with the device's JWT");
        }
        Instant until = null;
        if (auth.needsToken()) {
            Authorization token = authorization(pub.payload());
            if (token.note() != null) {
                a.add(new Action.Fact("session", "attach payload", token.note()));
            }
            if (token.jwt() == null || token.jwt().isEmpty()) {
                Decision d = gatewayError(s, "GATEWAY_ATTACHMENT_ERROR", other, "PUBLISH", pub.topic(),
                        pub.packetId(), "gateway.attach-token", "gateway '" + gateway + "' attached device '" + other
                        + "' without the device's token, and the gateway's auth method " + auth + " needs it",
                        "publish {\"authorization\": \"<the device's JWT>\"} to /devices/" + other + "/attach");
                a.addAll(d.actions());
                return new Decision(d.session(), a);
            }
            String clientId = ClientIds.of(view.registry().project(), view.registry().region(),
                    view.registry().registry(), other);
            DeviceAuthenticator.Decision d = authenticator.authenticate(clientId,
                    token.jwt().getBytes(java.nio.charset.StandardCharsets.US_ASCII), now);
            for (Finding f : d.findings()) {
                a.add(new Action.Fact("session", "attach token", "'" + other + "': " + f.severity().text() + " "
                        + f.code() + ": " + f.message()));
            }
            if (!d.accepted()) {
                Decision refused = gatewayError(s, "GATEWAY_ATTACHMENT_ERROR", other, "PUBLISH", pub.topic(),
                        pub.packetId(), "gateway.attach-token", "the token gateway '" + gateway + "' sent to attach"
                        + " device '" + other + "' was refused (" + d.code() + "): " + d.reason(), "mint the"
                        + " attached device's token with its own key and the project as audience, and send it as"
                        + " {\"authorization\": \"<JWT>\"}");
                a.addAll(refused.actions());
                return new Decision(refused.session(), a);
            }
            until = d.expiresAt();
        }
        String how = auth.needsAssociation() && auth.needsToken() ? "association and token"
                : auth.needsToken() ? "token" : "association";
        Session.Attached before = attached.get(other);
        attached.put(other, before == null ? new Session.Attached(-1, -1, how, until)
                : new Session.Attached(before.configQos(), before.commandsQos(), how, until));
        if (pub.qos() == 1) {
            a.add(new Action.Send(new Outbound.PubAck(pub.packetId())));
        }
        a.add(new Action.Fact("session", "attached", "'" + other + "' (" + how + ")"));
        a.add(new Action.Attachment(other, true));
        a.add(new Action.Event("attached", ClientIds.quote(other), "session", null, "attached by gateway '"
                + gateway + "' (" + how + ")"));
        return new Decision(s.attached(attached), a);
    }

    /** The token of an attach message, {@code {"authorization": "<JWT>"}}, read leniently as samples sent it. */
    private record Authorization(String jwt, String note) {
    }

    private static Authorization authorization(byte[] payload) {
        String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            return new Authorization(null, null);
        }
        try {
            com.google.gson.JsonElement e = com.google.gson.JsonParser.parseString(text);
            if (!e.isJsonObject() || !e.getAsJsonObject().has("authorization")
                    || !e.getAsJsonObject().get("authorization").isJsonPrimitive()) {
                return new Authorization(null, "no \"authorization\" string in the attach payload");
            }
            String jwt = e.getAsJsonObject().get("authorization").getAsString().trim();
            String strict = null;
            try (com.google.gson.stream.JsonReader r = new com.google.gson.stream.JsonReader(
                    new java.io.StringReader(text))) {
                r.setStrictness(com.google.gson.Strictness.STRICT);
                com.google.gson.JsonParser.parseReader(r);
            } catch (RuntimeException | java.io.IOException notStrict) {
                strict = "the attach payload is not strict JSON (single quotes or an unquoted token); read leniently";
            }
            return new Authorization(jwt, strict);
        } catch (com.google.gson.JsonParseException notJson) {
            return new Authorization(null, "the attach payload is not JSON");
        }
    }

    /**
     * A gateway's request for another device refused: the gateway's connection stays open; the error goes to its
     * errors topic when it subscribed to it, in IoT Core's shape, and to the report.
     */
    private Decision gatewayError(Session s, String errorType, String other, String messageType, String topic,
                                  int packetId, String code, String reason, String hint) {
        List<Action> a = new ArrayList<>();
        if (s.errorsQos() >= 0) {
            com.google.gson.JsonObject info = new com.google.gson.JsonObject();
            info.addProperty("message_type", messageType);
            info.addProperty("topic", topic);
            info.addProperty("packet_id", packetId);
            com.google.gson.JsonObject e = new com.google.gson.JsonObject();
            e.addProperty("error_type", errorType);
            e.addProperty("description", reason);
            e.addProperty("device_id", other);
            e.add("mqtt_message_info", info);
            a.add(new Action.Send(new Outbound.Publish(errorsTopic(s.device()), 0, 0,
                    e.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }
        a.add(new Action.Event("denied", s.device(), "session", Finding.error(code, reason, hint), reason
                + " (" + errorType + ")"));
        return new Decision(s, a);
    }

    private Decision subscribe(Session s, Packet.Subscribe sub) {
        String device = s.device();
        List<Action> a = new ArrayList<>();
        List<Integer> granted = new ArrayList<>();
        int config = s.configQos();
        int commands = s.commandsQos();
        int errors = s.errorsQos();
        Map<String, Session.Attached> attached = s.attached().isEmpty() ? Map.of() : new HashMap<>(s.attached());
        boolean sendConfig = false;
        List<String> configsFor = new ArrayList<>();
        for (Packet.Filter f : sub.filters()) {
            String t = f.topic();
            int qos = Math.min(f.qos(), 1);
            String downgraded = f.qos() == 2 ? " (QoS 2 asked; IoT Core granted at most QoS 1)" : "";
            Topic topic = Topic.of(t);
            Session.Attached other = topic == null || topic.device().equals(device) ? null
                    : attached.get(topic.device());
            if (t.equals(ClientIds.configTopic(device))) {
                config = qos;
                sendConfig = true;
                granted.add(qos);
                a.add(new Action.Fact("session", "subscribed", shown(t) + " (granted QoS " + qos + ")" + downgraded));
            } else if (isCommandsFilter(t, device)) {
                commands = qos;
                granted.add(qos);
                a.add(new Action.Fact("session", "subscribed", shown(t) + " (granted QoS " + qos + ")" + downgraded));
            } else if (t.equals(errorsTopic(device)) && view.gatewayAuth(device) != null) {
                errors = 0;
                granted.add(0);
                a.add(new Action.Fact("session", "subscribed", shown(t) + " (granted QoS 0" + (f.qos() > 0
                        ? "; QoS " + f.qos() + " asked, IoT Core sent gateway errors at QoS 0 only" : "") + ")"));
            } else if (other != null && t.equals(ClientIds.configTopic(topic.device()))) {
                attached.put(topic.device(), other.subscriptions(qos, other.commandsQos()));
                configsFor.add(topic.device());
                granted.add(qos);
                a.add(new Action.Fact("session", "subscribed", shown(t) + " (granted QoS " + qos + ")" + downgraded));
            } else if (other != null && isCommandsFilter(t, topic.device())) {
                attached.put(topic.device(), other.subscriptions(other.configQos(), qos));
                granted.add(qos);
                a.add(new Action.Fact("session", "subscribed", shown(t) + " (granted QoS " + qos + ")" + downgraded));
            } else if (topic != null && !topic.device().equals(device) && view.gatewayAuth(device) != null
                    && (t.equals(ClientIds.configTopic(topic.device())) || isCommandsFilter(t, topic.device()))) {
                granted.add(0x80);
                Decision e = gatewayError(s, "GATEWAY_DEVICE_NOT_FOUND", topic.device(), "SUBSCRIBE", t,
                        sub.packetId(), "gateway.not-attached", "subscribe to '" + shown(t) + "' refused (SUBACK"
                        + " 0x80): device '" + topic.device() + "' is not attached to gateway '" + device + "'",
                        "attach the device first: publish to /devices/" + topic.device() + "/attach (QoS 1) and"
                        + " wait for its PUBACK");
                a.addAll(e.actions());
            } else {
                granted.add(0x80);
                String why = "subscribe to '" + shown(t) + "' refused (SUBACK 0x80): a device subscribes only to "
                        + ClientIds.configTopic(device) + " and " + ClientIds.commandsTopic(device)
                        + (view.gatewayAuth(device) != null ? ", a gateway also to " + errorsTopic(device)
                        + " and the config and commands of the devices it attached" : "");
                a.add(new Action.Event("denied", device, "session", Finding.warning("mqtt.topic.denied", why,
                        "subscribe to the device's own config and commands topics"), why));
            }
        }
        a.add(0, new Action.Send(new Outbound.SubAck(sub.packetId(), granted)));
        Session next = s.subscriptions(config, commands).errors(errors).attached(attached);
        if (sendConfig) {
            BridgeView.DeviceConfig c = view.config(device);
            Delivery d = deliver(next, device, ClientIds.configTopic(device), config, c.data(), c.version());
            next = d.session();
            a.add(d.send());
            a.add(new Action.Fact("session", "config sent", "version " + c.version() + ", " + c.data().length
                    + " bytes, QoS " + config));
        }
        for (String other : configsFor) {
            BridgeView.DeviceConfig c = view.config(other);
            int qos = next.attached().get(other).configQos();
            Delivery d = deliver(next, other, ClientIds.configTopic(other), qos, c.data(), c.version());
            next = d.session();
            a.add(d.send());
            a.add(new Action.Fact("session", "config sent", "device '" + other + "', version " + c.version() + ", "
                    + c.data().length + " bytes, QoS " + qos));
        }
        return new Decision(next, a);
    }

    /** A PUBLISH to the device and the state that counts it in flight. */
    private record Delivery(Session session, Action.Send send) {
    }

    private static Delivery deliver(Session s, String device, String topic, int qos, byte[] payload, long version) {
        if (qos <= 0) {
            return new Delivery(s, new Action.Send(new Outbound.Publish(topic, 0, 0, payload)));
        }
        int id = s.nextPacketId();
        Map<Integer, Session.InFlight> inflight = new HashMap<>(s.inflight());
        inflight.put(id, new Session.InFlight(device, version));
        int next = id == 0xffff ? 1 : id + 1;
        return new Delivery(s.inflight(inflight, next), new Action.Send(new Outbound.Publish(topic, 1, id, payload)));
    }

    /** The device's config changed while it is connected: sent at once when it subscribed to its config. */
    public Decision onConfig(Session s, BridgeView.DeviceConfig config) {
        return onConfig(s, s.device(), config);
    }

    /**
     * A device's config changed: sent at once on this connection when it is the device's own and subscribed to its
     * config, or a gateway's that attached the device and subscribed to its config on its behalf.
     */
    public Decision onConfig(Session s, String device, BridgeView.DeviceConfig config) {
        int qos = s.phase() != Session.Phase.CONNECTED || device == null ? -1 : device.equals(s.device())
                ? s.configQos() : s.attached().containsKey(device) ? s.attached().get(device).configQos() : -1;
        if (qos < 0) {
            return new Decision(s, List.of());
        }
        Delivery d = deliver(s, device, ClientIds.configTopic(device), qos, config.data(), config.version());
        return new Decision(d.session(), List.of(d.send(), new Action.Fact("session", "config sent",
                (device.equals(s.device()) ? "" : "device '" + device + "', ") + "version " + config.version() + ", "
                + config.data().length + " bytes, QoS " + qos)));
    }

    /**
     * A command for the device; delivered only when it is connected and subscribed to its commands (the decision's
     * actions are then not empty).
     *
     * @param subfolder the command's subfolder, or null
     */
    public Decision onCommand(Session s, String subfolder, byte[] payload) {
        return onCommand(s, s.device(), subfolder, payload);
    }

    /**
     * A command for {@code device}: delivered on this connection when it is the device's own, or a gateway's that
     * attached it, and subscribed to its commands (the decision's actions are then not empty).
     */
    public Decision onCommand(Session s, String device, String subfolder, byte[] payload) {
        int qos = s.phase() != Session.Phase.CONNECTED || device == null ? -1 : device.equals(s.device())
                ? s.commandsQos() : s.attached().containsKey(device) ? s.attached().get(device).commandsQos() : -1;
        if (qos < 0) {
            return new Decision(s, List.of());
        }
        String topic = "/devices/" + device + "/commands" + (subfolder == null || subfolder.isEmpty() ? ""
                : "/" + subfolder);
        Delivery d = deliver(s, device, topic, qos, payload, -1);
        return new Decision(d.session(), List.of(d.send(), new Action.Fact("session", "command sent", shown(topic)
                + ", " + payload.length + " bytes")));
    }

    /** A timer of the connection fired. */
    public Decision onTimer(Session s, Timer timer, Instant now, Duration connectTimeout, String from) {
        return switch (timer) {
            case CONNECT_DEADLINE -> s.phase() != Session.Phase.AWAITING_CONNECT ? new Decision(s, List.of())
                    : drop(s, s.clientId() == null ? null : whoOf(s.clientId()), "mqtt", "mqtt.connect-timeout",
                    "the connection from " + from + " sent no complete CONNECT within "
                    + Times.human(connectTimeout) + " and is closed: a device sends its CONNECT right after the TLS"
                    + " handshake", "send CONNECT at once after the TLS handshake");
            case KEEPALIVE -> s.phase() != Session.Phase.CONNECTED ? new Decision(s, List.of())
                    : drop(s, s.device(), "session", "mqtt.keepalive", "no packet arrived within one and a half"
                    + " keep-alive periods; the bridge closes the connection (MQTT 3.1.1 §3.1.2.10)",
                    "send PINGREQ within the keep-alive, or choose a longer keep-alive (at most "
                            + Times.human(MAX_KEEPALIVE) + ")");
            case TOKEN_EXPIRED -> s.phase() != Session.Phase.CONNECTED ? new Decision(s, List.of())
                    : drop(s, s.device(), "session", "jwt.exp.expired", "the token expired; connection closed at"
                    + " exp + " + skew.toMinutes() + " min skew (" + Times.iso(now) + "), as IoT Core did: reconnect"
                    + " with a fresh token before exp", "mint a new token and reconnect before exp");
        };
    }

    /** A newer connection of the same device was accepted: this one is closed, as IoT Core closed it. */
    public Decision onTakeover(Session s) {
        if (s.phase() != Session.Phase.CONNECTED) {
            return new Decision(s, List.of());
        }
        return drop(s, s.device(), "session", "mqtt.takeover", "a newer connection of device '" + s.device()
                + "' was accepted; IoT Core allowed one connection a device and closed the older one", "make sure"
                + " only one connection (one device, one firmware task) uses this device id");
    }

    /**
     * The device was deleted or blocked (through the device manager API) while connected: IoT Core closed such a
     * connection, and refused the device's next CONNECT.
     */
    public Decision onRemoved(Session s, boolean blocked) {
        if (s.phase() != Session.Phase.CONNECTED) {
            return new Decision(s, List.of());
        }
        return blocked ? drop(s, s.device(), "session", "device.blocked", "device '" + s.device() + "' was blocked"
                + " while connected; the bridge closed the connection and refuses its CONNECTs until it is unblocked",
                "unblock the device (patch blocked=false)")
                : drop(s, s.device(), "session", "device.unknown", "device '" + s.device() + "' was deleted while"
                + " connected; the bridge closed the connection", "create the device again to let it connect");
    }

    /** The connection closed without a decision of the bridge: the device (or the network) closed it. */
    public Decision onClosed(Session s) {
        if (s.phase() == Session.Phase.CONNECTED) {
            return new Decision(s.phase(Session.Phase.CLOSED), List.of(new Action.Event("disconnected", s.device(),
                    "session", null, "the connection was closed")));
        }
        return new Decision(s.phase(Session.Phase.CLOSED), List.of());
    }

    private Decision refuse(Session s, String who, int code, String findingCode, String reason, String hint) {
        return refuse(s, who, code, findingCode, reason, hint, new ArrayList<>());
    }

    private Decision refuse(Session s, String who, int code, String findingCode, String reason, String hint,
                            List<Action> a) {
        a.add(new Action.Send(new Outbound.ConnAck(code)));
        a.add(new Action.Fact("mqtt", "CONNACK", String.valueOf(code)));
        a.add(new Action.Event("refused", who, "mqtt", Finding.error(findingCode, reason, hint), reason + " (CONNACK "
                + code + ")"));
        a.add(new Action.Close(true));
        return new Decision(s.phase(Session.Phase.CLOSED), a);
    }

    private static Decision drop(Session s, String who, String step, String code, String reason, String hint) {
        return new Decision(s.phase(Session.Phase.CLOSED), List.of(new Action.Event("dropped", who, step,
                Finding.error(code, reason, hint), reason), new Action.Close(false)));
    }

    private static Decision deny(Session s, String code, String reason, String hint) {
        return new Decision(s.phase(Session.Phase.CLOSED), List.of(new Action.Event("denied", s.device(), "session",
                Finding.error(code, reason, hint), reason), new Action.Close(false)));
    }

    /** The gateway errors topic of a device. */
    static String errorsTopic(String device) {
        return "/devices/" + device + "/errors";
    }

    /** A device's own events (with subfolders, no wildcards) or state topic. */
    private static boolean isDeviceTopic(String t, String device) {
        return t.equals(ClientIds.stateTopic(device)) || t.equals(ClientIds.eventsTopic(device))
                || t.startsWith(ClientIds.eventsTopic(device) + "/") && t.indexOf('+') < 0 && t.indexOf('#') < 0;
    }

    /** A topic under /devices/: the device it names and the word after it (events, state, config, attach …). */
    record Topic(String device, String kind) {
        static Topic of(String t) {
            if (t == null || !t.startsWith("/devices/")) {
                return null;
            }
            int from = "/devices/".length();
            int slash = t.indexOf('/', from);
            if (slash <= from) {
                return null;
            }
            int next = t.indexOf('/', slash + 1);
            return new Topic(t.substring(from, slash), next < 0 ? t.substring(slash + 1)
                    : t.substring(slash + 1, next));
        }
    }

    private static boolean isCommandsFilter(String t, String device) {
        return t.equals(ClientIds.commandsTopic(device)) || t.equals("/devices/" + device + "/commands");
    }

    /** The other device a Will topic aims at, or null. */
    private static String otherDevice(String topic, ClientIds.Parts self) {
        if (topic == null || !topic.startsWith("/devices/")) {
            return null;
        }
        int end = topic.indexOf('/', "/devices/".length());
        String target = end < 0 ? topic.substring("/devices/".length()) : topic.substring("/devices/".length(), end);
        return self != null && self.device().equals(target) ? null : target;
    }

    private static String protocol(Packet.Connect c) {
        String v = c.level() == 4 ? "MQTT 3.1.1" : c.level() == 3 ? "MQTT 3.1" : c.level() == 5 ? "MQTT 5"
                : "level " + c.level();
        return v + ", " + (c.cleanSession() ? "clean session" : "persistent session asked") + ", "
                + (c.userName() == null ? "no user name" : "user name '" + Messages.quoteElidingTokens(c.userName(),
                40) + "'") + ", " + (c.password() == null ? "no password" : "password of " + c.password().length
                + " bytes");
    }

    /** Whom a log line names: the device, or the client id quoted (bounded, a token in it elided). */
    public static String whoOf(String clientId) {
        if (clientId == null) {
            return null;
        }
        ClientIds.Parts parts = ClientIds.parse(clientId);
        return ClientIds.quote(parts != null ? parts.device() : clientId);
    }

    /** A topic from the network as messages show it: at most 200 characters, a token in it without its signature. */
    static String shown(String topic) {
        return Messages.quoteElidingTokens(topic, 200);
    }

    /** How long an accepted token lasts: until exp, or already past exp and accepted within the skew. */
    private String validity(Instant closesAt, Instant now) {
        Instant exp = closesAt.minus(skew);
        String closes = "the connection is closed at " + Times.iso(closesAt);
        if (exp.isAfter(now)) {
            return "the token is valid until " + Times.iso(exp) + ", " + closes;
        }
        return "the token expired " + Times.human(Duration.between(exp, now)) + " ago (" + Times.iso(exp)
                + "), accepted within the " + Times.human(skew) + " skew; " + closes;
    }

}
