package dev.iotjwt.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.broker.api.ApiDiscovery;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import dev.iotjwt.testsupport.net.TestPki;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code iotjwt device …} end to end: the real command line against a running bridge whose device manager API
 * listens on loopback with a bearer token, found through its state folder; devices connect with Paho over TLS.
 */
class DeviceCommandTest {
    static final String TOKEN = "device-cli-token-0123456789abcdef";
    static final String PREFIX = "projects/cli-project/locations/us-central1/registries/cli-registry/devices/";

    @TempDir
    static Path home;
    static LocalBroker broker;
    static SSLContext tls;
    static String jwt;
    static Path tokenFile;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        PrivateKey ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE)
                .privateKey();
        jwt = TokenForge.es256(ec).claims(Fixtures.NOW.getEpochSecond(), Fixtures.NOW.getEpochSecond() + 3600,
                "cli-project").build();
        // the bridge's default state folder for IOTJWT_HOME=home: the commands find its API there
        broker = LocalBroker.start(new BrokerSettings(new Registry("cli-project", "us-central1", "cli-registry",
                new LinkedHashMap<>()), "127.0.0.1", 0, home.resolve("broker"), List.of("localhost"), false, false,
                Duration.ofMinutes(10), Fixtures.CLOCK).withApi(0, TOKEN), null);
        tls = trusting(broker);
        tokenFile = home.resolve("api-token");
        Files.writeString(tokenFile, TOKEN + "\n");
        env = Map.of("IOTJWT_HOME", home.toString());
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    /** {@code iotjwt device ARGS --api-token-file FILE}, the API found through $IOTJWT_HOME/broker. */
    static CliRun device(String... args) {
        List<String> all = new ArrayList<>(List.of("device"));
        all.addAll(List.of(args));
        all.add("--api-token-file");
        all.add(tokenFile.toString());
        CliRun r = CliRun.run(env, all.toArray(String[]::new));
        assertThat(r.out() + r.err()).as("the token is never shown").doesNotContain(TOKEN);
        return r;
    }

    static CliRun ok(String... args) {
        CliRun r = device(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isZero();
        return r;
    }

    static JsonObject json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--format");
        all.add("json");
        return JsonParser.parseString(ok(all.toArray(String[]::new)).out()).getAsJsonObject();
    }

    static String key(String name) {
        return Fixtures.key(name).toString();
    }

    // --- create, list, get, delete -------------------------------------------------------------------------------

    @Test
    void aDeviceIsCreatedFromAKeyFileListedGotAndDeleted() throws Exception {
        CliRun created = ok("create", "dev-a", "--key", key("p256_public.pem"), "--config", "{\"led\":1}",
                "--metadata", "site=lab", "--metadata", "build=ci");
        String fp = Fingerprints.sha256(new KeyReader().read(Fixtures.key("p256_public.pem"),
                PasswordSource.NONE).usable().get(0).publicHalf());
        assertThat(created.out()).startsWith("dev-a  numId ")
                .contains("blocked       no")
                .contains("gateway       no")
                .contains("credential    ES256_PEM, no expiry, public key SHA-256 " + fp)
                .contains("config        version 1, set 2026-11-25T10:00:00Z, not acknowledged: {\"led\":1}")
                .contains("metadata      build=ci, site=lab");
        assertThat(connack("dev-a")).as("the device connects at once").isZero();

        JsonObject rsa = json("create", "dev-r", "--key", key("rsa2048_cert.pem"));
        assertThat(credential(rsa).get("format").getAsString()).isEqualTo("RSA_X509_PEM");
        assertThat(credential(rsa).get("key").getAsString()).contains("BEGIN CERTIFICATE");
        JsonObject fromPrivate = json("create", "dev-p", "--key", key("p256_sec1.pem"));
        assertThat(credential(fromPrivate).get("format").getAsString()).isEqualTo("ES256_PEM");
        assertThat(credential(fromPrivate).get("key").getAsString()).contains("BEGIN PUBLIC KEY")
                .doesNotContain("PRIVATE");
        assertThat(connack("dev-p")).as("its private half signs the token the bridge accepts").isZero();

        CliRun again = device("create", "dev-a", "--key", key("p256_public.pem"));
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).startsWith("iotjwt: ALREADY_EXISTS: ").contains("dev-a");
        assertThat(again.err().lines()).hasSize(1);

        assertThat(ok("list").out()).containsPattern("(?m)^dev-a +\\d{16}$").containsPattern("(?m)^dev-r +\\d{16}$");
        JsonObject got = json("get", "dev-a");
        assertThat(got).as("--format json is the API's JSON as it came").isEqualTo(http("GET", "/devices/dev-a"));
        assertThat(json("get", got.get("numId").getAsString()).get("id").getAsString()).isEqualTo("dev-a");

        assertThat(ok("delete", "dev-r").out()).isEqualTo("dev-r deleted" + System.lineSeparator());
        CliRun gone = device("get", "dev-r");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).startsWith("iotjwt: NOT_FOUND: ");
        assertThat(ok("list").out()).doesNotContain("dev-r");
    }

    @Test
    void aCreatedGatewayAndBlockedDeviceShowAsSuch() throws Exception {
        CliRun gw = ok("create", "gw-x", "--key", key("p256_public.pem"), "--gateway", "--gateway-auth",
                "device_auth_token_only");
        assertThat(gw.out()).contains("gateway       yes, DEVICE_AUTH_TOKEN_ONLY");
        CliRun blocked = ok("create", "dev-blk", "--key", key("p256_public.pem"), "--blocked");
        assertThat(blocked.out()).contains("blocked       yes");
        assertThat(connack("dev-blk")).as("CONNACK 5: refused").isEqualTo(5);
        assertThat(ok("list").out()).containsPattern("(?m)^gw-x +\\d{16}  gateway \\(DEVICE_AUTH_TOKEN_ONLY\\)$")
                .containsPattern("(?m)^dev-blk +\\d{16}  blocked$");
    }

    // --- config, command, states ---------------------------------------------------------------------------------

    @Test
    void aConfigReachesTheConnectedDeviceAndItsAcknowledgementIsListed() throws Exception {
        ok("create", "dev-c", "--key", key("p256_public.pem"), "--config", "v1");
        BlockingQueue<String[]> inbox = new LinkedBlockingQueue<>();
        MqttClient d = connected("dev-c", inbox);
        try {
            d.subscribe("/devices/dev-c/config", 1);
            assertThat(next(inbox)).containsExactly("/devices/dev-c/config", "v1");
            Path file = home.resolve("config.bin");
            Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
            assertThat(ok("config", "dev-c", "--data", "{\"led\":2}", "--version-to-update", "1").out())
                    .startsWith("dev-c: config version 2 set 2026-11-25T10:00:00Z");
            assertThat(next(inbox)).containsExactly("/devices/dev-c/config", "{\"led\":2}");
            // Paho sends the PUBACK when messageArrived returns: the bridge records it as deviceAckTime
            JsonObject v2 = null;
            for (int i = 0; i < 100 && (v2 == null || !v2.has("deviceAckTime")); i++) {
                Thread.sleep(i == 0 ? 0 : 50);
                v2 = json("configs", "dev-c", "--num", "1").getAsJsonArray("deviceConfigs").get(0).getAsJsonObject();
            }
            assertThat(v2.get("version").getAsString()).isEqualTo("2");
            assertThat(v2.get("deviceAckTime").getAsString()).isEqualTo("2026-11-25T10:00:00Z");
            assertThat(ok("configs", "dev-c").out()).isEqualTo(
                    "version 2  set 2026-11-25T10:00:00Z  acknowledged 2026-11-25T10:00:00Z  {\"led\":2}\n"
                            .replace("\n", System.lineSeparator())
                            + "version 1  set 2026-11-25T10:00:00Z  acknowledged 2026-11-25T10:00:00Z  v1"
                            + System.lineSeparator());

            CliRun stale = device("config", "dev-c", "--data", "x", "--version-to-update", "1");
            assertThat(stale.exitCode()).isEqualTo(1);
            assertThat(stale.err()).startsWith("iotjwt: ABORTED: ");
            ok("config", "dev-c", "--data-file", file.toString());
            assertThat(next(inbox)[0]).isEqualTo("/devices/dev-c/config");
            assertThat(ok("configs", "dev-c", "--num", "1").out()).contains("version 3").contains("base64:AAEC/w==");
            assertThat(ok("get", "dev-c").out()).contains("config        version 3")
                    .contains("config sent   2026-11-25T10:00:00Z").contains("config acked  2026-11-25T10:00:00Z")
                    .doesNotContain("last error");
        } finally {
            d.disconnect();
            d.close();
        }
    }

    @Test
    void aCommandReachesTheSubscribedDeviceAndOneNotConnectedIsExitOne() throws Exception {
        ok("create", "dev-k", "--key", key("p256_public.pem"));
        CliRun away = device("command", "dev-k", "--data", "reboot");
        assertThat(away.exitCode()).isEqualTo(1);
        assertThat(away.err()).startsWith("iotjwt: FAILED_PRECONDITION: ").contains("is not connected");
        BlockingQueue<String[]> inbox = new LinkedBlockingQueue<>();
        MqttClient d = connected("dev-k", inbox);
        try {
            d.subscribe("/devices/dev-k/commands/#", 1);
            assertThat(ok("command", "dev-k", "--data", "reboot", "--subfolder", "power").out())
                    .isEqualTo("dev-k: command sent on /devices/dev-k/commands/power (6 bytes)"
                            + System.lineSeparator());
            assertThat(next(inbox)).containsExactly("/devices/dev-k/commands/power", "reboot");
            ok("command", "dev-k", "--data", "blink");
            assertThat(next(inbox)).containsExactly("/devices/dev-k/commands", "blink");
            CliRun bad = device("command", "dev-k", "--data", "x", "--subfolder", "a+b");
            assertThat(bad.exitCode()).as("INVALID_ARGUMENT: the value given was refused").isEqualTo(2);
            assertThat(bad.err()).startsWith("iotjwt: INVALID_ARGUMENT: ");
        } finally {
            d.disconnect();
            d.close();
        }
    }

    @Test
    void statesAreListedNewestFirstAsTextOrBase64() throws Exception {
        ok("create", "dev-s", "--key", key("p256_public.pem"));
        assertThat(ok("states", "dev-s").out()).startsWith("no states");
        MqttClient d = connected("dev-s", new LinkedBlockingQueue<>());
        try {
            d.publish("/devices/dev-s/state", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), 1, false);
            d.publish("/devices/dev-s/state", new byte[] {(byte) 0xc3, 0x28}, 1, false);
        } finally {
            d.disconnect();
            d.close();
        }
        assertThat(ok("states", "dev-s").out()).isEqualTo("2026-11-25T10:00:00Z  base64:wyg="
                + System.lineSeparator() + "2026-11-25T10:00:00Z  {\"n\":1}" + System.lineSeparator());
        assertThat(json("states", "dev-s", "--num", "1").getAsJsonArray("deviceStates")).hasSize(1);
        assertThat(ok("get", "dev-s").out()).contains("state         2026-11-25T10:00:00Z: base64:wyg=");
    }

    // --- gateways ------------------------------------------------------------------------------------------------

    @Test
    void aDeviceIsBoundToAGatewayListedUnderItAndUnbound() {
        ok("create", "gw-b", "--key", key("p256_public.pem"), "--gateway");
        ok("create", "dev-b1", "--key", key("p256_public.pem"));
        ok("create", "dev-b2", "--key", key("p256_public.pem"));
        assertThat(ok("bind", "dev-b1", "--gateway", "gw-b").out()).isEqualTo("dev-b1 bound to gateway gw-b"
                + System.lineSeparator());
        assertThat(ids(json("list", "--gateway", "gw-b"))).containsExactly("dev-b1");
        assertThat(ok("list", "--gateway", "gw-b").out()).startsWith("dev-b1 ");
        ok("unbind", "dev-b1", "--gateway", "gw-b");
        assertThat(ok("list", "--gateway", "gw-b").out()).isEqualTo("no devices" + System.lineSeparator());
        CliRun notBound = device("unbind", "dev-b1", "--gateway", "gw-b");
        assertThat(notBound.exitCode()).isEqualTo(1);
        assertThat(notBound.err()).startsWith("iotjwt: NOT_FOUND: ");
        CliRun notGateway = device("bind", "dev-b2", "--gateway", "dev-b1");
        assertThat(notGateway.exitCode()).isNotZero();
        assertThat(notGateway.err()).startsWith("iotjwt: ");
    }

    // --- finding the API, the token, the URL -----------------------------------------------------------------------

    @Test
    void theBridgeWritesItsApiToItsStateFolderOwnerOnlyAndRemovesItWhenItStops() throws Exception {
        Path state = home.resolve("second");
        LocalBroker second = LocalBroker.start(new BrokerSettings(new Registry("p2", "europe-west1", "r2",
                new LinkedHashMap<>()), "127.0.0.1", 0, state, List.of("localhost"), false, false,
                Duration.ofMinutes(10), Fixtures.CLOCK).withApi(0, null), null);
        Path file = state.resolve(ApiDiscovery.FILE);
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            assertThat(o.get("url").getAsString()).isEqualTo("http://127.0.0.1:" + second.apiPort()
                    + "/v1/projects/p2/locations/europe-west1/registries/r2");
            assertThat(o.get("tokenRequired").getAsBoolean()).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            CliRun none = CliRun.run(Map.of(), "device", "list", "--state-dir", state.toString());
            assertThat(none.exitCode()).as(none.err()).isZero();
            assertThat(none.out()).isEqualTo("no devices" + System.lineSeparator());
        } finally {
            second.close();
        }
        assertThat(file).doesNotExist();
        CliRun stopped = CliRun.run(Map.of(), "device", "list", "--state-dir", state.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.err()).startsWith("iotjwt: no device manager API is running on the bridge of " + state)
                .contains("hint: start the bridge with --api-port");
        // a bridge killed before it could remove its file: the file is named
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ApiDiscovery.write(state, new ApiDiscovery.Entry("http://127.0.0.1:" + closed + "/v1/projects/p2/locations"
                + "/europe-west1/registries/r2", false));
        CliRun killed = CliRun.run(Map.of(), "device", "list", "--state-dir", state.toString());
        assertThat(killed.exitCode()).isEqualTo(1);
        assertThat(killed.err()).contains(": connection refused").contains("hint: the bridge that wrote " + file
                + " is not answering");
        JsonObject main = JsonParser.parseString(Files.readString(home.resolve("broker").resolve(ApiDiscovery.FILE)))
                .getAsJsonObject();
        assertThat(main.get("tokenRequired").getAsBoolean()).isTrue();
        assertThat(main.toString()).doesNotContain(TOKEN);
    }

    @Test
    void theBearerTokenIsRequiredAndAWrongOneRefused() throws Exception {
        CliRun none = CliRun.run(env, "device", "list");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).startsWith("iotjwt: UNAUTHENTICATED: ").contains("hint: this API requires a bearer"
                + " token: give --api-token-file FILE");
        Path wrong = home.resolve("wrong-token");
        Files.writeString(wrong, "not-the-token\n");
        CliRun bad = CliRun.run(env, "device", "list", "--api-token-file", wrong.toString());
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).startsWith("iotjwt: UNAUTHENTICATED: ").doesNotContain("not-the-token");
        CliRun missing = CliRun.run(env, "device", "list", "--api-token-file", home.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(3);
    }

    @Test
    void anExplicitUrlIsUsedPlainHttpOffThisMachineNeedsAFlagAndARefusedConnectionIsSaid() throws Exception {
        String url = "http://localhost:" + broker.apiPort() + "/v1/projects/cli-project/locations/us-central1"
                + "/registries/cli-registry";
        CliRun byUrl = CliRun.run(Map.of("IOTJWT_HOME", home.resolve("elsewhere").toString()), "device", "list",
                "--api", url, "--api-token-file", tokenFile.toString());
        assertThat(byUrl.exitCode()).as(byUrl.err()).isZero();

        CliRun remote = CliRun.run("device", "list", "--api", "http://iot.example.com/v1/projects/p/locations/r"
                + "/registries/g");
        assertThat(remote.exitCode()).isEqualTo(2);
        assertThat(remote.err()).contains("plain HTTP to iot.example.com").contains("--insecure-http");
        CliRun notRegistry = CliRun.run("device", "list", "--api", "http://localhost:1/v1/projects/p");
        assertThat(notRegistry.exitCode()).isEqualTo(2);
        assertThat(notRegistry.err()).contains("is not a registry's URL");
        CliRun badId = CliRun.run("device", "get", "a/b", "--api", url);
        assertThat(badId.exitCode()).isEqualTo(2);

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun refused = CliRun.run("device", "get", "dev-a", "--api", "http://127.0.0.1:" + closed
                + "/v1/projects/p/locations/r/registries/g");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("iotjwt: cannot reach the device manager API at http://127.0.0.1:"
                + closed + ": connection refused" + System.lineSeparator() + "hint: is the bridge running with"
                + " --api-port, on this port?" + System.lineSeparator());
    }

    @Test
    void usageErrorsAreExitTwoAndAnUnreadableKeyExitThree() {
        assertThat(device("create", "goog-x", "--key", key("p256_public.pem")).exitCode()).isEqualTo(2);
        assertThat(device("create", "dev-u", "--key", key("p256_public.pem"), "--gateway-auth", "ASSOCIATION_ONLY")
                .exitCode()).isEqualTo(2);
        assertThat(device("config", "dev-u", "--data", "a", "--data-file", "b").exitCode()).isEqualTo(2);
        assertThat(device("config", "dev-u").exitCode()).isEqualTo(2);
        CliRun noKey = device("create", "dev-u", "--key", home.resolve("missing.pem").toString());
        assertThat(noKey.exitCode()).isEqualTo(3);
        assertThat(noKey.err()).contains("missing.pem");
        assertThat(device("create", "dev-u", "--key", key("p384_sec1.pem")).exitCode()).as("IoT Core takes P-256"
                + " only").isEqualTo(3);
        CliRun encrypted = device("create", "dev-u", "--key", key("p256_pkcs8_enc.pem"));
        assertThat(encrypted.exitCode()).isEqualTo(3);
        assertThat(encrypted.err()).contains("encrypted").contains("hint: the public half is all a device needs"
                + " registered: iotjwt key public FILE --out public.pem, then --key public.pem");
    }

    @Test
    void anHttpsServerTheJdkDoesNotTrustGetsNoRequestAndARedirectIsNotFollowed() throws Exception {
        TestPki.Issued issued = TestPki.ecRoot("untrusted test root").leaf("localhost");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", issued.key(), new char[0], issued.chain().toArray(
                new java.security.cert.Certificate[0]));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(server));
        https.createContext("/", ex -> {
            seen.add(ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
            ex.close();
        });
        com.sun.net.httpserver.HttpServer plain = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        plain.createContext("/", ex -> {
            seen.add(ex.getRequestURI() + " " + ex.getRequestHeaders().getFirst("Authorization"));
            if (ex.getRequestURI().getPath().endsWith("/devices/evil-device")) {
                byte[] evil = "{\"id\": \"ev\\u001b[2Jil\", \"numId\": \"1\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, evil.length);
                ex.getResponseBody().write(evil);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + plain.getAddress().getPort() + "/elsewhere");
            ex.getResponseHeaders().add("Content-Type", "text/html");
            byte[] body = "<html>moved</html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/elsewhere") ? 200 : 302, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        https.start();
        plain.start();
        try {
            String path = "/v1/projects/p/locations/r/registries/g";
            CliRun untrusted = CliRun.run("device", "list", "--api", "https://localhost:" + https.getAddress()
                    .getPort() + path, "--api-token-file", tokenFile.toString());
            assertThat(untrusted.exitCode()).isEqualTo(1);
            assertThat(untrusted.err()).startsWith("iotjwt: cannot reach the device manager API at https://localhost:"
                    + https.getAddress().getPort() + ": TLS: ").contains("hint: https:// is checked against the JDK's"
                    + " trust store").doesNotContain(TOKEN);
            assertThat(seen).as("no request reaches a server whose certificate failed").isEmpty();

            CliRun moved = CliRun.run("device", "get", "dev-1", "--api", "http://127.0.0.1:" + plain.getAddress()
                    .getPort() + path, "--api-token-file", tokenFile.toString());
            assertThat(moved.exitCode()).isEqualTo(1);
            assertThat(moved.err()).startsWith("iotjwt: HTTP 302: the answer is not the device manager API's JSON"
                    + " (text/html)");
            assertThat(seen).containsExactly(path + "/devices/dev-1 Bearer " + TOKEN);
            CliRun evil = CliRun.run("device", "get", "evil-device", "--api", "http://127.0.0.1:"
                    + plain.getAddress().getPort() + path);
            assertThat(evil.exitCode()).as(evil.err()).isZero();
            assertThat(evil.out()).startsWith("ev\\x1b[2Jil  numId 1").doesNotContain("\u001b");
        } finally {
            https.stop(0);
            plain.stop(0);
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    static JsonObject credential(JsonObject device) {
        return device.getAsJsonArray("credentials").get(0).getAsJsonObject().getAsJsonObject("publicKey");
    }

    static List<String> ids(JsonObject list) {
        List<String> out = new ArrayList<>();
        for (JsonElement e : list.getAsJsonArray("devices")) {
            out.add(e.getAsJsonObject().get("id").getAsString());
        }
        return out;
    }

    /** The API itself, through plain HTTP: what --format json must print unchanged. */
    static JsonObject http(String method, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + broker.apiPort() + "/v1/projects/cli-project/locations/us-central1/registries"
                        + "/cli-registry" + path)).header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static String[] next(BlockingQueue<String[]> inbox) throws InterruptedException {
        String[] m = inbox.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("a message within 10s").isNotNull();
        return m;
    }

    /** A Paho device, connected with its JWT, trusting the bridge's CA; what arrives goes to {@code inbox}. */
    static MqttClient connected(String device, BlockingQueue<String[]> inbox) throws Exception {
        MqttClient c = new MqttClient("ssl://localhost:" + broker.port(), PREFIX + device, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setCleanSession(true);
        o.setConnectionTimeout(5);
        o.setUserName("unused");
        o.setPassword(jwt.toCharArray());
        o.setSocketFactory(tls.getSocketFactory());
        c.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                inbox.add(new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8)});
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        c.setTimeToWait(5000);
        c.connect(o);
        return c;
    }

    static int connack(String device) {
        try {
            MqttClient c = connected(device, new LinkedBlockingQueue<>());
            c.disconnect();
            c.close();
            return 0;
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            return e.getReasonCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
}
