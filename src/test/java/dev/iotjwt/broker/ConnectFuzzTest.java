package dev.iotjwt.broker;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.FuzzChecks;
import dev.iotjwt.testsupport.FuzzStats;
import dev.iotjwt.testsupport.TokenForge;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile CONNECTs at the local broker: the bytes a client sends after the TLS handshake go through the broker's
 * TLS tap ({@link MqttInbound}) and through the MQTT decoder Moquette uses (Netty's), and the client id and password
 * Moquette would hand over are judged by the {@link DeviceAuthenticator} with a registry of the fixtures' keys.
 * Properties: nothing throws; the tap reads the same protocol level and client id as the decoder and never misses a
 * QoS 2 PUBLISH the decoder sees; a decision always has a reason, a refusal a code, an acceptance an expiry; no
 * reason repeats the password or key material.
 * The last byte of an input chooses: bit 0 clear, the rest is the bytes on the wire (seeds: CONNECT packets as
 * devices send them, malformed ones, a QoS 2 PUBLISH after a CONNECT); bit 0 set, the rest is a client id, a newline
 * and the claims of a token signed with the device key of dev-ec, sent in a well-formed CONNECT; bit 1, --strict.
 */
class ConnectFuzzTest {
    private static final FuzzStats STATS = new FuzzStats("ConnectFuzzTest.connect");
    /** As the broker sets Moquette's netty.mqtt.message_size. */
    private static final int MAX_MESSAGE = 256 * 1024 + 6 * 1024;
    /** A token whose signature is long enough that quoting it whole would be a leak (its last segment). */
    private static final java.util.regex.Pattern SIGNED = java.util.regex.Pattern.compile(
            "ey[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*\\.([A-Za-z0-9_-]{24,})");
    private static final PrivateKey EC_KEY = ecKey();
    private static final Registry REGISTRY = registry();
    private static final DeviceAuthenticator LENIENT = new DeviceAuthenticator(REGISTRY, false);
    private static final DeviceAuthenticator STRICT = new DeviceAuthenticator(REGISTRY, true);

    @FuzzTest(maxDuration = "15s") // the build sets its own bounds (pom.xml: fuzz.runs.*, fuzz.duration)
    void connect(FuzzedDataProvider data) {
        STATS.count();
        int mode = data.consumeInt(0, 3);
        byte[] rest = data.consumeRemainingAsBytes();
        FuzzChecks.input(rest);
        byte[] wire = (mode & 1) == 0 ? rest : signedConnect(new String(rest, StandardCharsets.UTF_8));
        DeviceAuthenticator auth = (mode & 2) == 0 ? LENIENT : STRICT;

        MqttInbound tap = new MqttInbound();
        List<Integer> qos2At = new ArrayList<>();
        for (int i = 0; i < wire.length; i++) {
            if (tap.feed(wire[i] & 0xff) == MqttInbound.Event.QOS2_PUBLISH) {
                qos2At.add(i);
            }
        }
        MqttInbound.Connect seen = tap.connect();

        List<MqttMessage> decoded = decode(wire);
        if (decoded.isEmpty() || !(decoded.get(0) instanceof MqttConnectMessage connect)
                || !connect.decoderResult().isSuccess()) {
            return; // Moquette closes the connection without asking the authenticator
        }
        int level = connect.variableHeader().version();
        String clientId = connect.payload().clientIdentifier();
        if (seen == null || seen.level() != level) {
            throw new AssertionError("the tap read level " + (seen == null ? "none" : seen.level())
                    + " where the decoder read " + level);
        }
        int idEnd = 2 + connect.variableHeader().name().getBytes(StandardCharsets.UTF_8).length + 6
                + clientId.getBytes(StandardCharsets.UTF_8).length;
        if (seen.clientId() != null ? !seen.clientId().equals(clientId) : idEnd <= MqttInbound.CONNECT_CAPTURE) {
            throw new AssertionError("the tap read client id '" + seen.clientId() + "' where the decoder read '"
                    + clientId + "'");
        }
        long qos2Publishes = decoded.stream().skip(1).filter(m -> m.decoderResult().isSuccess()
                && m.fixedHeader().messageType() == MqttMessageType.PUBLISH
                && m.fixedHeader().qosLevel().value() >= MqttQoS.EXACTLY_ONCE.value()).count();
        if (qos2Publishes > 0 && qos2At.isEmpty()) {
            throw new AssertionError("the decoder read a QoS 2 PUBLISH the tap did not see");
        }

        byte[] password = connect.payload().passwordInBytes();
        DeviceAuthenticator.Decision d = auth.authenticate(clientId, password, Fixtures.NOW);
        if (d == null || d.reason() == null) {
            throw new AssertionError("a decision without a reason: " + d);
        }
        if (d.accepted() ? d.code() != null || d.expiresAt() == null || d.device() == null : d.code() == null) {
            throw new AssertionError("an inconsistent decision: " + d);
        }
        // a reason names the client id it refuses and quotes the token, whatever the client put in them
        String sent = clientId + "\n" + (password == null ? ""
                : FuzzChecks.tokenText(new String(password, StandardCharsets.UTF_8)));
        FuzzChecks.noSecret("the reason", d.reason(), sent, null);
        FuzzChecks.oneLine("the reason", d.reason(), null);
        if (d.reason().length() > 4_000) {
            throw new AssertionError("a reason of " + d.reason().length() + " characters");
        }
        // a client that put its password into its client id too has it quoted from there, but a token's signature
        // never shows, wherever the client put the token
        String pw = password == null ? "" : new String(password, StandardCharsets.UTF_8);
        if (pw.length() >= 24 && d.reason().contains(pw) && !clientId.contains(pw)) {
            throw new AssertionError("the reason repeats the password: " + d.reason());
        }
        java.util.regex.Matcher jwt = SIGNED.matcher(pw);
        if (jwt.matches() && d.reason().contains(jwt.group(1)) && !clientId.replace(pw, "").contains(jwt.group(1))) {
            throw new AssertionError("the reason shows the signature of the token sent: " + d.reason());
        }
    }

    /** Every message the decoder makes of the bytes, in order; it stops at the first malformed one. */
    private static List<MqttMessage> decode(byte[] wire) {
        // as LocalBroker installs it for each connection: MQTT 3.1's 23-character client id limit lifted
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(MAX_MESSAGE, 65535));
        List<MqttMessage> out = new ArrayList<>();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(wire));
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                MqttMessage message = (MqttMessage) m;
                out.add(message);
                if (!message.decoderResult().isSuccess()) {
                    break;
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return out;
    }

    /** "client id\nclaims": a well-formed MQTT 3.1.1 CONNECT whose password is a token signed with dev-ec's key. */
    private static byte[] signedConnect(String text) {
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
            return new KeyLoader().readPrivateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
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
