package dev.iotjwt.broker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device manager REST API of the bridge through plain HTTP (java.net.http), against a running bridge with TLS
 * devices speaking raw MQTT: every method, its JSON field shapes and its errors, a config and a command reaching a
 * connected device, the device's acknowledgement recorded, the bearer token, and the registry across a restart.
 */
class DeviceManagerApiTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String TOKEN = "api-token-for-tests-0123456789";
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final String REGISTRY = "/v1/projects/my-project/locations/us-central1/registries/my-registry";

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static SSLContext tls;
    static String token;
    static String publicPem;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final List<BrokerListener.Event> events = new CopyOnWriteArrayList<>();

    static final BrokerListener LISTENER = new BrokerListener() {
        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void message(Message message) {
        }
    };

    /** One answer: the HTTP status and the JSON body. */
    record Answer(int status, JsonObject json) {
        JsonObject error() {
            return json.getAsJsonObject("error");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        PrivateKey ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE)
                .privateKey();
        token = TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build();
        publicPem = Files.readString(Fixtures.key("p256_public.pem"));
        broker = start(dir.resolve("state"), registry());
        tls = LocalBrokerTest.trusting(broker);
    }

    static Registry registry() throws Exception {
        return new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-file", Fixtures.key("p256_public.pem"), "{\"led\":1}".getBytes(
                        StandardCharsets.UTF_8)));
    }

    static LocalBroker start(Path state, Registry r) throws Exception {
        return LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, state, List.of("localhost"), false, false,
                Duration.ofMinutes(10), Fixtures.CLOCK).withApi(0, TOKEN), LISTENER);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static Answer call(LocalBroker b, String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.apiPort() + path))
                .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        HttpResponse<String> res = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(
                "application/json"));
        return new Answer(res.statusCode(), JsonParser.parseString(res.body()).getAsJsonObject());
    }

    static Answer call(String method, String path, String body) throws Exception {
        return call(broker, method, path, body, "Bearer " + TOKEN);
    }

    static Answer get(String path) throws Exception {
        return call("GET", path, null);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String createBody(String id, String extra) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        JsonObject pk = new JsonObject();
        pk.addProperty("format", "ES256_PEM");
        pk.addProperty("key", publicPem);
        JsonObject c = new JsonObject();
        c.add("publicKey", pk);
        JsonArray creds = new JsonArray();
        creds.add(c);
        o.add("credentials", creds);
        if (extra != null) {
            JsonParser.parseString(extra).getAsJsonObject().entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
        }
        return o.toString();
    }

    static JsonObject create(String id, String extra) throws Exception {
        Answer a = call("POST", REGISTRY + "/devices", createBody(id, extra));
        assertThat(a.status()).as(a.json().toString()).isEqualTo(200);
        return a.json();
    }

    static RawDevice connected(String device) throws IOException {
        RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(5));
        assertThat(d.connect(PREFIX + device, token)).as("CONNACK of " + device).isZero();
        return d;
    }

    static int connack(String device) throws IOException {
        try (RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(5))) {
            return d.connect(PREFIX + device, token);
        }
    }

    static byte[] payloadOf(RawDevice.Packet p) {
        return PacketOrderTest.payloadOf(p);
    }

    static List<String> ids(JsonObject list) {
        List<String> out = new ArrayList<>();
        if (list.has("devices")) {
            for (JsonElement e : list.getAsJsonArray("devices")) {
                out.add(e.getAsJsonObject().get("id").getAsString());
            }
        }
        return out;
    }

    // --- registries ---------------------------------------------------------------------------------------------

    @Test
    void theRegistryIsListedAndGotInGooglesShape() throws Exception {
        Answer list = get("/v1/projects/my-project/locations/us-central1/registries");
        assertThat(list.status()).isEqualTo(200);
        JsonObject r = list.json().getAsJsonArray("deviceRegistries").get(0).getAsJsonObject();
        assertThat(r.get("id").getAsString()).isEqualTo("my-registry");
        assertThat(r.get("name").getAsString()).isEqualTo(REGISTRY.substring(4));
        assertThat(r.getAsJsonObject("mqttConfig").get("mqttEnabledState").getAsString()).isEqualTo("MQTT_ENABLED");
        assertThat(get(REGISTRY).json()).isEqualTo(r);
        assertThat(get(REGISTRY + "?$alt=json;enum-encoding=int").json().getAsJsonObject("mqttConfig")
                .get("mqttEnabledState").getAsInt()).isEqualTo(1);

        assertThat(get("/v1/projects/my-project/locations/europe-west1/registries").json().entrySet()).isEmpty();
        Answer missing = get("/v1/projects/my-project/locations/us-central1/registries/other");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error().get("code").getAsInt()).isEqualTo(404);
        assertThat(missing.error().get("status").getAsString()).isEqualTo("NOT_FOUND");
        assertThat(missing.error().get("message").getAsString()).contains("other");
        assertThat(get("/v2/whatever").status()).isEqualTo(404);
    }

    // --- devices ------------------------------------------------------------------------------------------------

    @Test
    void aCreatedDeviceHasTheReferenceFieldsAndConnectsAtOnce() throws Exception {
        assertThat(connack("dev-new")).as("not registered yet").isEqualTo(5);
        JsonObject d = create("dev-new", "{\"metadata\": {\"site\": \"lab\"}, \"config\": {\"binaryData\": \""
                + b64("{\"fan\":1}") + "\"}}");
        String numId = d.get("numId").getAsString();
        assertThat(d.get("numId").isJsonPrimitive() && d.get("numId").getAsJsonPrimitive().isString()).isTrue();
        assertThat(numId).matches("[1-9][0-9]{15}");
        assertThat(d.get("id").getAsString()).isEqualTo("dev-new");
        assertThat(d.get("name").getAsString()).isEqualTo(PREFIX + numId);
        JsonObject cred = d.getAsJsonArray("credentials").get(0).getAsJsonObject();
        assertThat(cred.getAsJsonObject("publicKey").get("format").getAsString()).isEqualTo("ES256_PEM");
        assertThat(cred.getAsJsonObject("publicKey").get("key").getAsString()).contains("BEGIN PUBLIC KEY");
        assertThat(cred.get("expirationTime").getAsString()).isEqualTo("1970-01-01T00:00:00Z");
        JsonObject config = d.getAsJsonObject("config");
        assertThat(config.get("version").getAsString()).isEqualTo("1");
        assertThat(config.get("cloudUpdateTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(config.get("binaryData").getAsString()).isEqualTo(b64("{\"fan\":1}"));
        assertThat(d.getAsJsonObject("metadata").get("site").getAsString()).isEqualTo("lab");
        assertThat(d.has("blocked")).as("false is left out, as proto3 JSON does").isFalse();
        assertThat(d.getAsJsonObject("gatewayConfig").entrySet()).isEmpty();

        try (RawDevice dev = connected("dev-new")) {
            assertThat(dev.subscribe("/devices/dev-new/config")).isEqualTo(1);
            assertThat(new String(payloadOf(dev.read()), StandardCharsets.UTF_8)).isEqualTo("{\"fan\":1}");
        }
        Answer again = call("POST", REGISTRY + "/devices", createBody("dev-new", null));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().get("status").getAsString()).isEqualTo("ALREADY_EXISTS");
    }

    @Test
    void aBadDeviceIsRefusedWithInvalidArgument() throws Exception {
        Answer noId = call("POST", REGISTRY + "/devices", "{\"credentials\": []}");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.error().get("status").getAsString()).isEqualTo("INVALID_ARGUMENT");
        Answer badKey = call("POST", REGISTRY + "/devices", "{\"id\": \"dev-bad\", \"credentials\": [{\"publicKey\":"
                + " {\"format\": \"RSA_PEM\", \"key\": \"not a key\"}}]}");
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(badKey.error().get("message").getAsString()).contains("credentials[0]");
        assertThat(call("POST", REGISTRY + "/devices", "{not json").status()).isEqualTo(400);
        assertThat(call("POST", REGISTRY + "/devices", createBody("goog-device", null)).status()).isEqualTo(400);
        assertThat(get(REGISTRY + "/devices/dev-bad").status()).isEqualTo(404);
    }

    @Test
    void aDeviceIsGotByIdAndByNumIdWithAFieldMaskAndIntEnums() throws Exception {
        JsonObject d = create("dev-get", null);
        String numId = d.get("numId").getAsString();
        assertThat(get(REGISTRY + "/devices/" + numId).json().get("id").getAsString()).isEqualTo("dev-get");
        JsonObject masked = get(REGISTRY + "/devices/dev-get?fieldMask=blocked,last_heartbeat_time,config").json();
        assertThat(masked.keySet()).containsExactlyInAnyOrder("id", "name", "numId", "config");
        JsonObject ints = get(REGISTRY + "/devices/dev-get?$alt=json;enum-encoding=int").json();
        assertThat(ints.getAsJsonArray("credentials").get(0).getAsJsonObject().getAsJsonObject("publicKey")
                .get("format").getAsInt()).isEqualTo(2);
        Answer missing = get(REGISTRY + "/devices/no-such-device");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error().get("status").getAsString()).isEqualTo("NOT_FOUND");
        assertThat(get(REGISTRY + "/devices/dev-get?fieldMask=nonsense").status()).isEqualTo(400);
    }

    @Test
    void theListHonoursIdsNumIdsGatewayOptionsAndPages() throws Exception {
        create("dev-l1", null);
        String n2 = create("dev-l2", null).get("numId").getAsString();
        create("gw-l", "{\"gatewayConfig\": {\"gatewayType\": \"GATEWAY\", \"gatewayAuthMethod\":"
                + " \"ASSOCIATION_ONLY\"}}");
        assertThat(call("POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"gw-l\", \"deviceId\": \"" + n2
                + "\"}").status()).isEqualTo(200);

        JsonObject byIds = get(REGISTRY + "/devices?deviceIds=dev-l1&deviceIds=gw-l").json();
        assertThat(ids(byIds)).containsExactly("dev-l1", "gw-l");
        JsonObject first = byIds.getAsJsonArray("devices").get(0).getAsJsonObject();
        assertThat(first.keySet()).as("without a field mask: id, name, numId").containsExactlyInAnyOrder("id", "name",
                "numId");
        assertThat(ids(get(REGISTRY + "/devices?deviceNumIds=" + n2).json())).containsExactly("dev-l2");
        assertThat(ids(get(REGISTRY + "/devices?gatewayListOptions.gatewayType=GATEWAY").json())).contains("gw-l")
                .doesNotContain("dev-l1", "dev-l2", "dev-file");
        assertThat(ids(get(REGISTRY + "/devices?gatewayListOptions.gatewayType=NON_GATEWAY").json()))
                .contains("dev-l1", "dev-l2").doesNotContain("gw-l");
        assertThat(ids(get(REGISTRY + "/devices?gatewayListOptions.associationsGatewayId=gw-l").json()))
                .containsExactly("dev-l2");
        assertThat(ids(get(REGISTRY + "/devices?gatewayListOptions.associationsDeviceId=dev-l2").json()))
                .containsExactly("gw-l");
        JsonObject masked = get(REGISTRY + "/devices?deviceIds=gw-l&fieldMask=gatewayConfig").json()
                .getAsJsonArray("devices").get(0).getAsJsonObject();
        assertThat(masked.getAsJsonObject("gatewayConfig").get("gatewayAuthMethod").getAsString())
                .isEqualTo("ASSOCIATION_ONLY");

        JsonObject page1 = get(REGISTRY + "/devices?deviceIds=dev-l1,dev-l2,gw-l&pageSize=2").json();
        assertThat(ids(page1)).containsExactly("dev-l1", "dev-l2");
        String next = page1.get("nextPageToken").getAsString();
        JsonObject page2 = get(REGISTRY + "/devices?deviceIds=dev-l1,dev-l2,gw-l&pageSize=2&pageToken=" + next).json();
        assertThat(ids(page2)).containsExactly("gw-l");
        assertThat(page2.has("nextPageToken")).isFalse();
        assertThat(get(REGISTRY + "/devices?gatewayListOptions.gatewayType=GATEWAY"
                + "&gatewayListOptions.associationsGatewayId=gw-l").status()).isEqualTo(400);
    }

    @Test
    void aPatchChangesOnlyTheMaskedFieldsAndABlockedDeviceIsDisconnectedAndRefused() throws Exception {
        create("dev-p", "{\"metadata\": {\"ka\": \"1\"}}");
        try (RawDevice d = connected("dev-p")) {
            Answer p = call("PATCH", REGISTRY + "/devices/dev-p?updateMask=blocked", "{\"blocked\": true,"
                    + " \"metadata\": {\"kb\": \"2\"}}");
            assertThat(p.status()).isEqualTo(200);
            assertThat(p.json().get("blocked").getAsBoolean()).isTrue();
            assertThat(p.json().getAsJsonObject("metadata").keySet()).containsExactly("ka");
            assertThat(d.closedByBroker()).as("the connected device is closed").isTrue();
        }
        assertThat(events).anyMatch(e -> "dev-p".equals(e.device()) && "device.blocked".equals(e.code()));
        assertThat(connack("dev-p")).isEqualTo(5);
        Answer md = call("PATCH", REGISTRY + "/devices/dev-p?updateMask=metadata,blocked", "{\"metadata\": {\"kb\":"
                + " \"2\"}}");
        assertThat(md.json().getAsJsonObject("metadata").keySet()).containsExactly("kb");
        assertThat(md.json().has("blocked")).isFalse();
        assertThat(connack("dev-p")).as("unblocked").isZero();

        Answer immutable = call("PATCH", REGISTRY + "/devices/dev-p?updateMask=id", "{\"id\": \"x\"}");
        assertThat(immutable.status()).isEqualTo(400);
        assertThat(immutable.error().get("status").getAsString()).isEqualTo("INVALID_ARGUMENT");
        assertThat(call("PATCH", REGISTRY + "/devices/dev-p", "{\"blocked\": true}").status()).isEqualTo(400);
        assertThat(call("PATCH", REGISTRY + "/devices/no-such?updateMask=blocked", "{}").status()).isEqualTo(404);
    }

    @Test
    void credentialsAreReplacedThroughThePatch() throws Exception {
        create("dev-cred", null);
        String rsa = Files.readString(Fixtures.key("rsa2048_cert.pem"));
        JsonObject body = new JsonObject();
        JsonObject pk = new JsonObject();
        pk.addProperty("format", "RSA_X509_PEM");
        pk.addProperty("key", rsa);
        JsonObject c = new JsonObject();
        c.add("publicKey", pk);
        c.addProperty("expirationTime", "2030-01-01T00:00:00Z");
        JsonArray creds = new JsonArray();
        creds.add(c);
        body.add("credentials", creds);
        Answer a = call("PATCH", REGISTRY + "/devices/dev-cred?update_mask=credentials", body.toString());
        assertThat(a.status()).isEqualTo(200);
        JsonObject cred = a.json().getAsJsonArray("credentials").get(0).getAsJsonObject();
        assertThat(cred.getAsJsonObject("publicKey").get("format").getAsString()).isEqualTo("RSA_X509_PEM");
        assertThat(cred.getAsJsonObject("publicKey").get("key").getAsString()).contains("BEGIN CERTIFICATE");
        assertThat(cred.get("expirationTime").getAsString()).isEqualTo("2030-01-01T00:00:00Z");
        assertThat(connack("dev-cred")).as("the EC token no longer verifies").isEqualTo(5);
    }

    @Test
    void aDeletedDeviceIsDisconnectedAndRefused() throws Exception {
        create("dev-del", null);
        try (RawDevice d = connected("dev-del")) {
            Answer del = call("DELETE", REGISTRY + "/devices/dev-del", null);
            assertThat(del.status()).isEqualTo(200);
            assertThat(del.json().entrySet()).isEmpty();
            assertThat(d.closedByBroker()).isTrue();
        }
        assertThat(get(REGISTRY + "/devices/dev-del").status()).isEqualTo(404);
        assertThat(connack("dev-del")).isEqualTo(5);
        assertThat(call("DELETE", REGISTRY + "/devices/dev-del", null).status()).isEqualTo(404);
    }

    // --- configs, states, commands ------------------------------------------------------------------------------

    @Test
    void aConfigReachesTheSubscribedDeviceAndItsAcknowledgementIsRecorded() throws Exception {
        create("dev-cfg", null);
        try (RawDevice d = connected("dev-cfg")) {
            assertThat(d.subscribe("/devices/dev-cfg/config")).isEqualTo(1);
            assertThat(payloadOf(d.read())).as("version 1, empty").isEmpty();
            Answer a = call("POST", REGISTRY + "/devices/dev-cfg:modifyCloudToDeviceConfig",
                    "{\"versionToUpdate\": \"1\", \"binaryData\": \"" + b64("{\"led\":2}") + "\"}");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.json().get("version").getAsString()).isEqualTo("2");
            assertThat(a.json().get("cloudUpdateTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
            assertThat(a.json().has("deviceAckTime")).isFalse();
            RawDevice.Packet p = d.read();
            assertThat(p.topic()).isEqualTo("/devices/dev-cfg/config");
            assertThat(p.header() >> 1 & 3).as("QoS 1").isEqualTo(1);
            assertThat(new String(payloadOf(p), StandardCharsets.UTF_8)).isEqualTo("{\"led\":2}");
            // the PUBACK went before this PINGREQ on the same connection: the bridge has handled it
            assertThat(d.alive()).isTrue();
        }
        JsonObject versions = get(REGISTRY + "/devices/dev-cfg/configVersions").json();
        JsonArray list = versions.getAsJsonArray("deviceConfigs");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).getAsJsonObject().get("version").getAsString()).isEqualTo("2");
        assertThat(list.get(0).getAsJsonObject().get("deviceAckTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(list.get(1).getAsJsonObject().get("version").getAsString()).isEqualTo("1");
        assertThat(get(REGISTRY + "/devices/dev-cfg/configVersions?numVersions=1").json()
                .getAsJsonArray("deviceConfigs")).hasSize(1);
        JsonObject device = get(REGISTRY + "/devices/dev-cfg").json();
        assertThat(device.get("lastConfigAckTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(device.get("lastConfigSendTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(device.get("lastHeartbeatTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(device.getAsJsonObject("config").get("deviceAckTime").getAsString())
                .isEqualTo("2026-11-25T10:00:00Z");

        Answer stale = call("POST", REGISTRY + "/devices/dev-cfg:modifyCloudToDeviceConfig",
                "{\"versionToUpdate\": \"1\", \"binaryData\": \"" + b64("{}") + "\"}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error().get("status").getAsString()).isEqualTo("ABORTED");
        assertThat(call("POST", REGISTRY + "/devices/dev-cfg:modifyCloudToDeviceConfig", "{\"binaryData\": \"%%\"}")
                .status()).isEqualTo(400);
        assertThat(call("POST", REGISTRY + "/devices/nobody:modifyCloudToDeviceConfig", "{\"binaryData\": \"\"}")
                .status()).isEqualTo(404);
    }

    @Test
    void statesAndEventsAreListedAndTimed() throws Exception {
        create("dev-st", null);
        try (RawDevice d = connected("dev-st")) {
            for (int i = 0; i < 12; i++) {
                assertThat(d.publish1("/devices/dev-st/state", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)))
                        .as("PUBACK").isEqualTo(4);
            }
            d.publish1("/devices/dev-st/events", "t".getBytes(StandardCharsets.UTF_8));
            assertThat(d.alive()).isTrue();
        }
        JsonArray states = get(REGISTRY + "/devices/dev-st/states").json().getAsJsonArray("deviceStates");
        assertThat(states).as("the latest ten, as IoT Core kept").hasSize(10);
        JsonObject newest = states.get(0).getAsJsonObject();
        assertThat(newest.get("binaryData").getAsString()).isEqualTo(b64("{\"n\":11}"));
        assertThat(newest.get("updateTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(get(REGISTRY + "/devices/dev-st/states?numStates=3").json().getAsJsonArray("deviceStates"))
                .hasSize(3);
        JsonObject device = get(REGISTRY + "/devices/dev-st").json();
        assertThat(device.getAsJsonObject("state").get("binaryData").getAsString()).isEqualTo(b64("{\"n\":11}"));
        assertThat(device.get("lastStateTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(device.get("lastEventTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
    }

    @Test
    void aCommandReachesASubscribedDeviceAndFailsForOthersWithFailedPrecondition() throws Exception {
        create("dev-cmd", null);
        create("dev-quiet", null);
        String quietNum = get(REGISTRY + "/devices/dev-quiet").json().get("numId").getAsString();
        try (RawDevice d = connected("dev-cmd"); RawDevice q = connected("dev-quiet")) {
            assertThat(d.subscribe("/devices/dev-cmd/commands/#")).isEqualTo(1);
            Answer ok = call("POST", REGISTRY + "/devices/dev-cmd:sendCommandToDevice", "{\"binaryData\": \""
                    + b64("reboot") + "\", \"subfolder\": \"power/now\"}");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.json().entrySet()).isEmpty();
            RawDevice.Packet p = d.read();
            assertThat(p.topic()).isEqualTo("/devices/dev-cmd/commands/power/now");
            assertThat(new String(payloadOf(p), StandardCharsets.UTF_8)).isEqualTo("reboot");

            Answer unsubscribed = call("POST", REGISTRY + "/devices/dev-quiet:sendCommandToDevice",
                    "{\"binaryData\": \"" + b64("x") + "\"}");
            assertThat(unsubscribed.status()).isEqualTo(400);
            assertThat(unsubscribed.error().get("status").getAsString()).isEqualTo("FAILED_PRECONDITION");
            assertThat(unsubscribed.error().get("message").getAsString()).contains(quietNum).contains("subscribed");
            assertThat(q.alive()).isTrue();
        }
        // the bridge sees the device's close on its event loop, a moment after the client closed
        Answer offline;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        do {
            offline = call("POST", REGISTRY + "/devices/dev-quiet:sendCommandToDevice", "{\"binaryData\": \""
                    + b64("x") + "\"}");
        } while (offline.error().get("message").getAsString().contains("subscribed") && System.nanoTime() < deadline
                && sleep(20));
        assertThat(offline.status()).isEqualTo(400);
        assertThat(offline.error().get("status").getAsString()).isEqualTo("FAILED_PRECONDITION");
        assertThat(offline.error().get("message").getAsString()).isEqualTo("Device `" + quietNum
                + "` is not connected.");
        assertThat(call("POST", REGISTRY + "/devices/dev-cmd:sendCommandToDevice", "{\"binaryData\": \"eA==\","
                + " \"subfolder\": \"a/#\"}").status()).isEqualTo(400);
    }

    @Test
    void theLastErrorIsTheReasonTheBridgeClosedTheDevice() throws Exception {
        create("dev-err", null);
        try (RawDevice d = connected("dev-err")) {
            d.publish0("/devices/other/events", "x".getBytes(StandardCharsets.UTF_8));
            assertThat(d.closedByBroker()).isTrue();
        }
        JsonObject device = get(REGISTRY + "/devices/dev-err").json();
        assertThat(device.get("lastErrorTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
        assertThat(device.getAsJsonObject("lastErrorStatus").get("code").getAsInt()).isEqualTo(9);
        assertThat(device.getAsJsonObject("lastErrorStatus").get("message").getAsString()).startsWith("mqtt: ")
                .contains("/devices/other/events");
    }

    // --- gateways -----------------------------------------------------------------------------------------------

    @Test
    void bindingsNeedAGatewayAndKeepAGatewayFromBeingDeleted() throws Exception {
        create("gw-b", "{\"gatewayConfig\": {\"gatewayType\": \"GATEWAY\", \"gatewayAuthMethod\":"
                + " \"ASSOCIATION_AND_DEVICE_AUTH_TOKEN\"}}");
        create("dev-b", null);
        Answer notGateway = call("POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"dev-b\","
                + " \"deviceId\": \"gw-b\"}");
        assertThat(notGateway.status()).isEqualTo(400);
        assertThat(call("POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"gw-b\", \"deviceId\":"
                + " \"nobody\"}").status()).isEqualTo(404);
        Answer bound = call("POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"gw-b\", \"deviceId\":"
                + " \"dev-b\"}");
        assertThat(bound.status()).isEqualTo(200);
        assertThat(bound.json().entrySet()).isEmpty();
        Answer busy = call("DELETE", REGISTRY + "/devices/gw-b", null);
        assertThat(busy.status()).isEqualTo(400);
        assertThat(busy.error().get("status").getAsString()).isEqualTo("FAILED_PRECONDITION");
        JsonObject ints = get(REGISTRY + "/devices/gw-b?$alt=json;enum-encoding=int").json();
        assertThat(ints.getAsJsonObject("gatewayConfig").get("gatewayType").getAsInt()).isEqualTo(1);
        assertThat(ints.getAsJsonObject("gatewayConfig").get("gatewayAuthMethod").getAsInt()).isEqualTo(3);
        Answer auth = call("PATCH", REGISTRY + "/devices/gw-b?updateMask=gatewayConfig.gatewayAuthMethod",
                "{\"gatewayConfig\": {\"gatewayAuthMethod\": \"DEVICE_AUTH_TOKEN_ONLY\"}}");
        assertThat(auth.json().getAsJsonObject("gatewayConfig").get("gatewayAuthMethod").getAsString())
                .isEqualTo("DEVICE_AUTH_TOKEN_ONLY");
        assertThat(auth.json().getAsJsonObject("gatewayConfig").get("gatewayType").getAsString()).isEqualTo("GATEWAY");

        assertThat(call("POST", REGISTRY + ":unbindDeviceFromGateway", "{\"gatewayId\": \"gw-b\", \"deviceId\":"
                + " \"dev-b\"}").status()).isEqualTo(200);
        assertThat(call("POST", REGISTRY + ":unbindDeviceFromGateway", "{\"gatewayId\": \"gw-b\", \"deviceId\":"
                + " \"dev-b\"}").status()).isEqualTo(404);
        assertThat(call("DELETE", REGISTRY + "/devices/gw-b", null).status()).isEqualTo(200);
    }

    @Test
    void aGatewayMadeThroughTheApiAttachesItsBoundDeviceAndCarriesItsCommands() throws Exception {
        create("gw-live", "{\"gatewayConfig\": {\"gatewayType\": \"GATEWAY\", \"gatewayAuthMethod\":"
                + " \"ASSOCIATION_ONLY\"}}");
        create("dev-att", null);
        create("dev-unbound", null);
        assertThat(call("POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"gw-live\", \"deviceId\":"
                + " \"dev-att\"}").status()).isEqualTo(200);
        try (RawDevice gw = connected("gw-live")) {
            assertThat(gw.publish1("/devices/dev-att/attach", "{}".getBytes(StandardCharsets.UTF_8)))
                    .as("PUBACK of the attach").isEqualTo(4);
            assertThat(gw.subscribe("/devices/dev-att/commands/#")).isEqualTo(1);
            Answer cmd = call("POST", REGISTRY + "/devices/dev-att:sendCommandToDevice", "{\"binaryData\": \""
                    + b64("on") + "\"}");
            assertThat(cmd.status()).as(cmd.json().toString()).isEqualTo(200);
            RawDevice.Packet p = gw.read();
            assertThat(p.topic()).isEqualTo("/devices/dev-att/commands");
            assertThat(new String(payloadOf(p), StandardCharsets.UTF_8)).isEqualTo("on");

            // refused: no PUBACK, an error for the gateway's errors topic, the refusal in the log
            gw.publish0("/devices/dev-unbound/attach", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(gw.alive()).isTrue();
            assertThat(events).anyMatch(e -> "gateway.not-bound".equals(e.code()) && e.detail().contains(
                    "dev-unbound"));
        }
        JsonObject gc = get(REGISTRY + "/devices/dev-att").json().getAsJsonObject("gatewayConfig");
        assertThat(gc.get("lastAccessedGatewayId").getAsString()).isEqualTo("gw-live");
        assertThat(gc.get("lastAccessedGatewayTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
    }

    // --- the token ----------------------------------------------------------------------------------------------

    @Test
    void everyRequestNeedsTheBearerTokenWhichIsNeverLogged() throws Exception {
        for (String auth : new String[] {null, "Bearer wrong", "Basic " + TOKEN, TOKEN}) {
            Answer a = call(broker, "GET", REGISTRY, null, auth);
            assertThat(a.status()).as(String.valueOf(auth)).isEqualTo(401);
            assertThat(a.error().get("status").getAsString()).isEqualTo("UNAUTHENTICATED");
        }
        assertThat(call(broker, "POST", REGISTRY + "/devices", createBody("dev-noauth", null), null).status())
                .isEqualTo(401);
        assertThat(call(broker, "GET", REGISTRY + "/devices/dev-noauth", null, "Bearer " + TOKEN).status())
                .as("nothing was created").isEqualTo(404);
        assertThat(call(broker, "GET", REGISTRY, null, "Bearer " + TOKEN).status()).isEqualTo(200);
        assertThat(events).noneMatch(e -> String.valueOf(e.detail()).contains(TOKEN));
        assertThat(events).anyMatch(e -> "api".equals(e.kind()) && e.detail().contains("http://127.0.0.1:"
                + broker.apiPort() + REGISTRY + " ") && e.detail().contains("bearer token required"));
    }

    // --- the state folder ---------------------------------------------------------------------------------------

    @Test
    void whatTheApiChangedIsThereAfterARestartAndTheCommandLineWins() throws Exception {
        Path state = dir.resolve("restart");
        String numId;
        Registry given = registry();
        try (LocalBroker first = start(state, given)) {
            Answer c = call(first, "POST", REGISTRY + "/devices", createBody("gw-keep", "{\"gatewayConfig\":"
                    + " {\"gatewayType\": \"GATEWAY\", \"gatewayAuthMethod\": \"ASSOCIATION_ONLY\"}}"), "Bearer " + TOKEN);
            assertThat(c.status()).isEqualTo(200);
            numId = c.json().get("numId").getAsString();
            call(first, "POST", REGISTRY + "/devices", createBody("dev-keep", "{\"metadata\": {\"kk\": \"v\"}}"),
                    "Bearer " + TOKEN);
            call(first, "POST", REGISTRY + "/devices/dev-keep:modifyCloudToDeviceConfig", "{\"binaryData\": \""
                    + b64("v2") + "\"}", "Bearer " + TOKEN);
            call(first, "POST", REGISTRY + ":bindDeviceToGateway", "{\"gatewayId\": \"gw-keep\", \"deviceId\":"
                    + " \"dev-keep\"}", "Bearer " + TOKEN);
            call(first, "PATCH", REGISTRY + "/devices/dev-file?updateMask=blocked", "{\"blocked\": true}",
                    "Bearer " + TOKEN);
        }
        Path file = RegistryFile.of(state, given);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        try (java.util.stream.Stream<Path> left = Files.list(state)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
        // the registry file is the gcloud describe shape Registry.load reads
        assertThat(Registry.load(file).bindings()).containsExactly(new Registry.Binding("gw-keep", "dev-keep"));

        try (LocalBroker second = start(state, given)) {
            JsonObject gw = call(second, "GET", REGISTRY + "/devices/gw-keep", null, "Bearer " + TOKEN).json();
            assertThat(gw.get("numId").getAsString()).isEqualTo(numId);
            JsonObject dev = call(second, "GET", REGISTRY + "/devices/dev-keep", null, "Bearer " + TOKEN).json();
            assertThat(dev.getAsJsonObject("config").get("version").getAsString()).isEqualTo("2");
            assertThat(dev.getAsJsonObject("config").get("binaryData").getAsString()).isEqualTo(b64("v2"));
            assertThat(dev.getAsJsonObject("metadata").get("kk").getAsString()).isEqualTo("v");
            assertThat(ids(call(second, "GET", REGISTRY + "/devices?gatewayListOptions.associationsGatewayId=gw-keep",
                    null, "Bearer " + TOKEN).json())).containsExactly("dev-keep");
            JsonObject file1 = call(second, "GET", REGISTRY + "/devices/dev-file", null, "Bearer " + TOKEN).json();
            assertThat(file1.has("blocked")).as("--registry/--device name dev-file unblocked: the command line wins")
                    .isFalse();
            assertThat(file1.getAsJsonObject("config").get("version").getAsString()).isEqualTo("1");
        }
    }

    @Test
    void aProjectNamedWithSlashesCannotPutTheFileOutsideTheStateFolder() {
        Path state = dir.resolve("s");
        Path f = RegistryFile.of(state, new Registry("../../evil", "us/central1", "my-registry",
                new LinkedHashMap<>()));
        assertThat(f.getParent()).isEqualTo(state);
        assertThat(f.getFileName().toString()).doesNotContain("/");
    }

    @Test
    void aLinkPlantedAsTheRegistryFileIsRefusedNotFollowed() throws Exception {
        Path state = dir.resolve("linked");
        Files.createDirectories(state);
        java.nio.file.attribute.PosixFileAttributeView v = Files.getFileAttributeView(state,
                java.nio.file.attribute.PosixFileAttributeView.class);
        v.setPermissions(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path target = dir.resolve("elsewhere.json");
        Files.writeString(target, "{}");
        Files.createSymbolicLink(RegistryFile.of(state, registry()), target);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(state, registry()))
                .isInstanceOf(dev.iotjwt.InputException.class).hasMessageContaining("symbolic link");
        assertThat(Files.readString(target)).isEqualTo("{}");
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
