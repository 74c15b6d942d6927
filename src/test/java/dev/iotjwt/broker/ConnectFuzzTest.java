package dev.iotjwt.broker;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.iotjwt.broker.policy.Action;
import dev.iotjwt.broker.policy.BridgeView;
import dev.iotjwt.broker.policy.DevicePolicy;
import dev.iotjwt.broker.policy.Outbound;
import dev.iotjwt.broker.policy.Packet;
import dev.iotjwt.broker.policy.Session;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import dev.iotjwt.testsupport.TokenForge;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hostile byte streams at the bridge's MQTT layer: the bytes a device sends after the TLS handshake go through
 * Netty's {@link MqttDecoder} configured as {@link LocalBroker} configures it, each decoded message becomes the
 * policy's {@link Packet} through {@link MqttPackets#of}, and the packets are judged in order by one
 * {@link DevicePolicy} (a registry of the fixtures' keys, the fixed time), the session carried from one to the next
 * as the bridge carries it; then a config change, a command, the keep-alive timer and the close arrive.
 *
 * <p>Properties: nothing throws; at most one CONNACK a connection, and it is the first packet sent; a Close is a
 * decision's last action and no action follows it, on later packets or from the bridge's side; a QoS 2 PUBLISH is
 * never Received; every Received message is the accepted device's, on its own events (with subfolders) or state
 * topic, and a PUBACK answers the PUBLISH it acknowledges; no SUBACK grants QoS 2, and it has one code per filter; a
 * refusal, drop or denial always has a finding code, a CONNACK other than 0 comes with one, and CONNACK 0 with an
 * Accept whose idle limit is at most 20 minutes; every event detail, finding message and hint and fact is one line,
 * and none repeats the password, the signature of a token sent as the password, or private key material.
 *
 * <p>The last byte of an input chooses: bit 0 clear, the rest is the bytes on the wire (seeds: CONNECT packets as
 * devices send them, malformed ones, packets pipelined after a CONNECT); bit 0 set, the rest is a client id, a
 * newline and the claims of a token signed with the device key of dev-ec, sent in a well-formed CONNECT, and after a
 * NUL byte the bytes that follow that CONNECT on the wire; bit 1, --strict.
 */
class ConnectFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("ConnectFuzzTest.connect");
    /** A token whose signature is long enough that quoting it whole would be a leak (its last segment). */
    private static final Pattern SIGNED = Pattern.compile(
            "ey[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*\\.([A-Za-z0-9_-]{24,})");
    private static final Duration SKEW = Duration.ofMinutes(10);
    private static final PrivateKey EC_KEY = ecKey();
    private static final Registry REGISTRY = registry();
    private static final BridgeView VIEW = new BridgeView() {
        @Override
        public Registry registry() {
            return REGISTRY;
        }

        @Override
        public DeviceConfig config(String device) {
            return device.equals("dev-ec") ? new DeviceConfig(3, "{\"led\":1}".getBytes(StandardCharsets.UTF_8))
                    : DeviceConfig.NONE;
        }

        /** dev-ec is a gateway: attach, detach and the errors topic are fuzzed too. */
        @Override
        public GatewayAuth gatewayAuth(String device) {
            return device.equals("dev-ec") ? GatewayAuth.ASSOCIATION_ONLY : null;
        }

        @Override
        public boolean bound(String gateway, String device) {
            return gateway.equals("dev-ec") && device.equals("dev-rsa");
        }
    };
    private static final DevicePolicy LENIENT = new DevicePolicy(new DeviceAuthenticator(REGISTRY, false, SKEW),
            VIEW, SKEW);
    private static final DevicePolicy STRICT = new DevicePolicy(new DeviceAuthenticator(REGISTRY, true, SKEW), VIEW,
            SKEW);

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void connect(FuzzedDataProvider data) {
        STATS.count();
        int mode = data.consumeInt(0, 3);
        byte[] rest = data.consumeRemainingAsBytes();
        FuzzChecks.input(rest);
        byte[] wire = (mode & 1) == 0 ? rest : signedConnect(rest);
        DevicePolicy policy = (mode & 2) == 0 ? LENIENT : STRICT;

        Connection c = new Connection();
        for (Packet p : decode(wire)) {
            c.judge(p, policy.onPacket(c.session, p, Fixtures.NOW));
        }
        c.judge(null, policy.onConfig(c.session, new BridgeView.DeviceConfig(4, new byte[] {'x'})));
        c.judge(null, policy.onCommand(c.session, "sub", new byte[] {'y'}));
        c.judge(null, policy.onConfig(c.session, "dev-rsa", new BridgeView.DeviceConfig(2, new byte[] {'z'})));
        c.judge(null, policy.onCommand(c.session, "dev-rsa", null, new byte[] {'w'}));
        c.judge(null, policy.onTimer(c.session, DevicePolicy.Timer.KEEPALIVE, Fixtures.NOW, Duration.ofSeconds(10),
                "127.0.0.1:1"));
        c.judge(null, policy.onClosed(c.session));
        c.checkTexts();
    }

    /** One connection as the bridge sees it: the session, what was sent, and whether a Close was decided. */
    private static final class Connection {
        Session session = Session.fresh("localhost");
        int sent;
        boolean closed;
        String device;
        /** The devices a gateway attached on this connection. */
        final java.util.Set<String> attached = new java.util.HashSet<>();
        /** Every string the device sent other than its password: a text may quote these. */
        final StringBuilder echoed = new StringBuilder();
        final List<String> passwords = new ArrayList<>();
        final List<String> texts = new ArrayList<>();

        void judge(Packet p, DevicePolicy.Decision d) {
            remember(p);
            List<Action> actions = d.actions();
            if (closed && !actions.isEmpty()) {
                throw new AssertionError("actions after a Close, for " + (p == null ? "the bridge" : p.name())
                        + ": " + actions);
            }
            for (int i = 0; i < actions.size(); i++) {
                Action a = actions.get(i);
                if (a instanceof Action.Close && i != actions.size() - 1) {
                    throw new AssertionError("a Close before other actions: " + actions);
                }
                check(p, a, actions);
            }
            if (d.closes()) {
                closed = true;
            }
            if (d.session().closed() != closed && p != null) {
                throw new AssertionError("the session is " + d.session().phase() + " but a Close was "
                        + (closed ? "" : "not ") + "decided: " + actions);
            }
            session = d.session();
        }

        private void check(Packet p, Action a, List<Action> all) {
            if (a instanceof Action.Send s) {
                if (s.packet() instanceof Outbound.ConnAck ack) {
                    if (sent > 0) {
                        throw new AssertionError("a CONNACK after " + sent + " packets sent: " + all);
                    }
                    if (ack.code() != 0 && all.stream().noneMatch(x -> x instanceof Action.Event e
                            && e.kind().equals("refused") && e.finding() != null)) {
                        throw new AssertionError("CONNACK " + ack.code() + " without a refusal: " + all);
                    }
                    if (ack.code() == 0 && all.stream().noneMatch(x -> x instanceof Action.Accept)) {
                        throw new AssertionError("CONNACK 0 without an Accept: " + all);
                    }
                } else if (sent == 0 && device == null) {
                    throw new AssertionError("a " + s.packet() + " sent before any CONNACK: " + all);
                }
                if (s.packet() instanceof Outbound.SubAck ack) {
                    Packet.Subscribe sub = (Packet.Subscribe) p;
                    if (ack.granted().size() != sub.filters().size() || ack.granted().stream()
                            .anyMatch(g -> g != 0 && g != 1 && g != 0x80)) {
                        throw new AssertionError("SUBACK " + ack.granted() + " for " + sub.filters());
                    }
                }
                if (s.packet() instanceof Outbound.PubAck ack && (!(p instanceof Packet.Publish pub)
                        || pub.packetId() != ack.packetId() || pub.qos() != 1)) {
                    throw new AssertionError("PUBACK " + ack.packetId() + " for " + p);
                }
                if (s.packet() instanceof Outbound.Publish pub && (device == null || pub.qos() > 1
                        || !toDevice(pub.topic(), device) && attached.stream().noneMatch(x -> toDevice(pub.topic(), x))
                        && !(pub.topic().equals("/devices/" + device + "/errors") && pub.qos() == 0))) {
                    throw new AssertionError("a PUBLISH to '" + pub.topic() + "' sent to device " + device
                            + " (attached: " + attached + ")");
                }
                sent++;
            } else if (a instanceof Action.Accept acc) {
                if (device != null) {
                    throw new AssertionError("a second Accept: " + all);
                }
                if (acc.idleLimit().isNegative() || acc.idleLimit().isZero()
                        || acc.idleLimit().compareTo(DevicePolicy.MAX_KEEPALIVE) > 0 || acc.closeAt() == null) {
                    throw new AssertionError("an Accept out of bounds: " + acc);
                }
                device = acc.device();
            } else if (a instanceof Action.Received r) {
                if (!(p instanceof Packet.Publish pub) || pub.qos() > 1 || !pub.topic().equals(r.topic())) {
                    throw new AssertionError("Received " + r.topic() + " for " + (p == null ? "no packet" : p));
                }
                String owner = r.device();
                String events = "/devices/" + owner + "/events";
                boolean own = r.topic().equals(events) || r.topic().equals("/devices/" + owner + "/state")
                        || r.topic().startsWith(events + "/") && r.topic().indexOf('+') < 0
                        && r.topic().indexOf('#') < 0;
                if (device == null || !device.equals(owner) && !attached.contains(owner) || !own
                        || r.state() != r.topic().equals("/devices/" + owner + "/state")) {
                    throw new AssertionError("Received " + r.device() + " '" + r.topic() + "' on the connection of "
                            + device);
                }
            } else if (a instanceof Action.Event e) {
                boolean judged = !e.kind().equals("accepted") && !e.kind().equals("disconnected")
                        && !e.kind().equals("attached") && !e.kind().equals("detached");
                if (judged && (e.finding() == null || e.finding().code() == null || e.finding().code().isBlank())) {
                    throw new AssertionError("a " + e.kind() + " event without a code: " + e);
                }
                texts.add("the " + e.kind() + " detail: " + e.detail());
                if (e.finding() != null) {
                    texts.add("the finding " + e.finding().code() + ": " + e.finding().message());
                    texts.add("the hint of " + e.finding().code() + ": " + e.finding().hint());
                }
            } else if (a instanceof Action.Fact f) {
                texts.add("the fact " + f.key() + ": " + f.value());
            } else if (a instanceof Action.Attachment at) {
                if (!"dev-ec".equals(device) || at.attached() && !at.device().equals("dev-rsa")) {
                    throw new AssertionError("an attachment " + at + " on the connection of " + device);
                }
                if (at.attached()) {
                    attached.add(at.device());
                } else {
                    attached.remove(at.device());
                }
            } else if (a instanceof Action.ConfigAcked ack && (device == null || !(p instanceof Packet.PubAck))) {
                throw new AssertionError("a config ack " + ack + " for " + p);
            }
        }

        /** A config or commands topic of the device. */
        private static boolean toDevice(String topic, String device) {
            return topic.equals("/devices/" + device + "/config") || topic.startsWith("/devices/" + device
                    + "/commands");
        }

        private void remember(Packet p) {
            if (p instanceof Packet.Connect c) {
                echoed.append(c.clientId()).append('\n').append(c.userName()).append('\n');
                if (c.will() != null) {
                    echoed.append(c.will().topic()).append('\n');
                }
                if (c.password() != null && c.password().length > 0) {
                    passwords.add(new String(c.password(), StandardCharsets.UTF_8));
                }
            } else if (p instanceof Packet.Publish pub) {
                echoed.append(pub.topic()).append('\n');
            } else if (p instanceof Packet.Subscribe s) {
                s.filters().forEach(f -> echoed.append(f.topic()).append('\n'));
            } else if (p instanceof Packet.Unsubscribe u) {
                u.topics().forEach(t -> echoed.append(t).append('\n'));
            } else if (p instanceof Packet.Malformed m) {
                echoed.append(m.reason()).append('\n');
            }
        }

        /** No text shows a password or its token's signature, unless the device also sent it elsewhere. */
        void checkTexts() {
            String others = echoed.toString();
            StringBuilder tokens = new StringBuilder();
            for (String pw : passwords) {
                others = others.replace(pw, "");
                tokens.append(FuzzChecks.tokenText(pw));
            }
            String quotable = others + "\n" + tokens;
            for (String t : texts) {
                String what = t.substring(0, t.indexOf(':'));
                FuzzChecks.oneLine(what, t, null);
                FuzzChecks.noSecret(what, t, quotable, null);
                for (String pw : passwords) {
                    if (pw.length() >= 24 && t.contains(pw) && !others.contains(pw)) {
                        throw new AssertionError(what + " repeats the password: " + t);
                    }
                    Matcher jwt = SIGNED.matcher(pw);
                    if (jwt.matches() && t.contains(jwt.group(1)) && !others.contains(jwt.group(1))) {
                        throw new AssertionError(what + " shows the signature of the token sent: " + t);
                    }
                }
            }
        }
    }

    /**
     * The policy's packets for the bytes, in order, as the bridge's pipeline makes them: the decoder stops at the
     * first malformed message (which the policy judges too).
     */
    private static List<Packet> decode(byte[] wire) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(LocalBroker.MAX_MESSAGE,
                LocalBroker.MAX_CLIENT_ID));
        List<Packet> out = new ArrayList<>();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(wire));
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                try {
                    out.add(MqttPackets.of((MqttMessage) m));
                } finally {
                    ReferenceCountUtil.release(m);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return out;
    }

    /**
     * "client id\nclaims[\0more]": a well-formed MQTT 3.1.1 CONNECT whose password is a token signed with dev-ec's
     * key, followed by the bytes after the first NUL.
     */
    private static byte[] signedConnect(byte[] input) {
        int nul = 0;
        while (nul < input.length && input[nul] != 0) {
            nul++;
        }
        String text = new String(input, 0, nul, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String clientId = nl < 0 ? text : text.substring(0, nl);
        String claims = nl < 0 ? "{}" : text.substring(nl + 1);
        String token = TokenForge.es256(EC_KEY).claims(claims).build();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        utf8(body, "MQTT");
        body.write(4);
        body.write(0xc2); // user name, password, clean session
        body.write(0);
        body.write(60);
        utf8(body, clientId);
        utf8(body, "unused");
        utf8(body, token);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        int n = body.size();
        do {
            int b = n % 128;
            n /= 128;
            packet.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        packet.writeBytes(body.toByteArray());
        if (nul < input.length) {
            packet.write(input, nul + 1, input.length - nul - 1);
        }
        return packet.toByteArray();
    }

    private static void utf8(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(b.length, 0xffff);
        out.write(n >> 8);
        out.write(n);
        out.write(b, 0, n);
    }

    private static PrivateKey ecKey() {
        try {
            return new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The registry of DeviceAuthenticatorTest: dev-ec, dev-rsa (certificate), dev-blocked, dev-rotated. */
    private static Registry registry() {
        try {
            JsonObject root = new JsonObject();
            root.addProperty("project", "my-project");
            root.addProperty("region", "us-central1");
            root.addProperty("registry", "my-registry");
            JsonArray devices = new JsonArray();
            devices.add(device("dev-ec", false, cred("ES256_PEM", "p256_public.pem", null)));
            devices.add(device("dev-rsa", false, cred("RSA_X509_PEM", "rsa2048_cert.pem", null)));
            devices.add(device("dev-blocked", true, cred("ES256_PEM", "p256_public.pem", null)));
            devices.add(device("dev-rotated", false, cred("ES256_PEM", "p256_public.pem", "2026-01-01T00:00:00Z"),
                    cred("RSA_PEM", "rsa2048_public.pem", null)));
            root.add("devices", devices);
            Path file = Files.createTempFile("iotjwt-fuzz-registry", ".json");
            try {
                Files.writeString(file, root.toString());
                return Registry.load(file);
            } finally {
                Files.delete(file);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
        return d;
    }

    private static JsonObject cred(String format, String file, String expires) throws Exception {
        JsonObject pk = new JsonObject();
        pk.addProperty("format", format);
        pk.addProperty("key", Files.readString(Fixtures.key(file)));
        JsonObject c = new JsonObject();
        c.add("publicKey", pk);
        if (expires != null) {
            c.addProperty("expirationTime", expires);
        }
        return c;
    }

    @AfterAll
    static void stats() {
        STATS.report();
    }
}
