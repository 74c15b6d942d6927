package dev.iotjwt.broker;

import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.RecordingListener;
import dev.iotjwt.testsupport.TokenForge;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connected device tries every topic string that could reach outside its own topics (other devices' ids, wildcards,
 * '..', encoded slashes, case, extra slashes, control characters, very long topics, $SYS) for PUBLISH and SUBSCRIBE.
 * IoT Core's rule: publish only to /devices/D/events[/…] and /devices/D/state, subscribe only to /devices/D/config
 * and /devices/D/commands/# (and /devices/D/commands). Topic levels match literally: '..' is a level, not a way up.
 */
@Timeout(120)
class TopicEscapeTest {
    static final long NOW = Fixtures.NOW.getEpochSecond();
    static final String PREFIX = "projects/my-project/locations/us-central1/registries/my-registry/devices/";
    static final String LONG = "x".repeat(60_000);

    @TempDir
    static Path dir;
    static LocalBroker broker;
    static SSLContext tls;
    static String token;
    static final RecordingListener LISTENER = new RecordingListener();
    static final List<BrokerListener.Event> events = LISTENER.events;
    static final List<BrokerListener.Message> messages = LISTENER.messages;

    /** Topics a device may not publish to: the broker closes the connection without PUBACK, nothing is routed. */
    static final List<String> HOSTILE_PUBLISH = List.of(
            "/devices/dev-v/events", "/devices/dev-v/events/x", "/devices/dev-v/state", "/devices/dev-v/config",
            "/devices/dev-v/commands", "/devices/dev-v/commands/x",
            "/devices/dev-a/config", "/devices/dev-a/commands", "/devices/dev-a/commands/x", "/devices/dev-a/state/x",
            "/devices/dev-a/eventsx", "/devices/dev-a/statex",
            "/devices/+/events", "/devices/dev-a/events/+", "/devices/dev-a/events/#", "#", "+", "/#", "/devices/#",
            "$SYS/broker/clients", "$SYS/#",
            "/devices/dev-a/../dev-v/events", "/devices/dev-a/../dev-v/state", "/devices/dev-a/state/../../dev-v/state",
            "/devices/dev-a%2F..%2Fdev-v/events", "/devices/dev-a%2Fevents", "%2Fdevices%2Fdev-a%2Fevents",
            "/devices/dev-a/events%2F..%2F..%2Fdev-v%2Fstate", "/devices/dev-a/events\\..\\..\\dev-v\\state",
            "/DEVICES/dev-a/events", "/devices/DEV-A/events", "/devices/dev-a/EVENTS", "/Devices/dev-v/events",
            "/devices/DEV-V/events", "devices/dev-a/events", "devices/dev-v/events", "//devices/dev-a/events",
            "/devices//dev-a/events", "/devices/dev-a//events", " /devices/dev-a/events", "/devices/dev-a/events ",
            "/devices/dev-a/state/", "\u0000/devices/dev-a/events", "/devices/dev-a/events\u0000",
            "/devices/dev-a\u0000/events", "/devices/dev-a/state\n", "/devices/dev-a/state\r\n/devices/dev-v/state",
            "\u202e/devices/dev-a/events", "", "/", "/devices/dev-v/events/" + LONG);

    /**
     * Topics under the device's own events: accepted (IoT Core's free subfolders) and delivered under exactly that
     * string, never to the topic a path normaliser would make of it.
     */
    static final List<String> LITERAL_PUBLISH = List.of(
            "/devices/dev-a/events", "/devices/dev-a/state", "/devices/dev-a/events/sub",
            "/devices/dev-a/events/../../dev-v/state", "/devices/dev-a/events/../../dev-v/commands/x",
            "/devices/dev-a/events/../../dev-v/config", "/devices/dev-a/events/..%2F..%2Fdev-v%2Fconfig",
            "/devices/dev-a/events/", "/devices/dev-a/events//",
            "/devices/dev-a/events/\n2026-11-25T10:00:00Z accepted dev-v", "/devices/dev-a/events/" + LONG);

    /**
     * Topics with U+0000, which MQTT 3.1.1 forbids in any string (§1.5.3, MQTT-1.5.3-2: the receiver may close the
     * connection): the bridge closes it, as a malformed packet.
     */
    static final List<String> NUL_TOPICS = List.of("/devices/dev-a/events/\u0000", "/devices/dev-a/config\u0000",
            "\u0000/devices/dev-a/config", "/devices/dev-a\u0000/config");

    /** Filters a device may not subscribe to: SUBACK 0x80, the connection stays. */
    static final List<String> HOSTILE_SUBSCRIBE = List.of(
            "/devices/dev-v/config", "/devices/dev-v/commands/#", "/devices/dev-v/commands", "/devices/dev-v/events",
            "/devices/dev-v/state", "/devices/+/config", "/devices/+/commands/#", "/devices/+/events", "/devices/#",
            "#", "+", "+/#", "/#", "/+", "/+/+/config", "/+/+/+/#", "$SYS/#", "$SYS/broker/clients/connected",
            "/devices/dev-a/events", "/devices/dev-a/events/#", "/devices/dev-a/state", "/devices/dev-a/#",
            "/devices/dev-a/+", "/devices/dev-a/config/#", "/devices/dev-a/config/+", "/devices/dev-a/+/#",
            "/devices/dev-a/commands/+", "/devices/dev-a/commands/+/x", "/devices/dev-a/commands/#/x",
            "/devices/dev-a/commands#", "/devices/dev-a/commands+", "/devices/dev-a/../dev-v/config",
            "/devices/dev-a/config/../../dev-v/config", "/devices/dev-a%2F..%2Fdev-v/config", "/devices/dev-a%2Fconfig",
            "/DEVICES/dev-a/config", "/devices/DEV-A/config", "/devices/dev-a/CONFIG", "/devices/DEV-V/config",
            "devices/dev-a/config", "/devices/dev-a/config/", "//devices/dev-a/config", "/devices//dev-a/config",
            "/devices/dev-a/config\n", "$share/g//devices/dev-v/config", "$share/g/#", "$queue//devices/dev-v/config",
            "/devices/dev-v/config/" + LONG, "", "/devices/dev-a/commands/x", "/devices/dev-a/commands/x/#",
            "/devices/dev-a/commands/../../dev-v/config", "/devices/dev-a/commands/../../../devices/dev-v/commands/#",
            "/devices/dev-a/commands/" + LONG);

    /** The filters a device may subscribe to: granted QoS 1. */
    static final List<String> LITERAL_SUBSCRIBE = List.of(
            "/devices/dev-a/config", "/devices/dev-a/commands/#", "/devices/dev-a/commands");

    @BeforeAll
    static void start() throws Exception {
        PrivateKey ec = new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE)
                .privateKey();
        token = TokenForge.es256(ec).claims(NOW, NOW + 3600, "my-project").build();
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>());
        for (String id : List.of("dev-a", "dev-v", "dev-b")) {
            r = r.with(Registry.deviceOf(id, Fixtures.key("p256_public.pem"), null));
        }
        broker = LocalBroker.start(new BrokerSettings(r, "127.0.0.1", 0, dir.resolve("state"), List.of("localhost"),
                false, false, Duration.ofMinutes(10), Fixtures.CLOCK), LISTENER);
        tls = LocalBrokerTest.trusting(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    static RawDevice device(String id) throws IOException {
        RawDevice d = RawDevice.open(tls, broker.port(), Duration.ofSeconds(5));
        assertThat(d.connect(PREFIX + id, token)).as("CONNACK of " + id).isZero();
        return d;
    }

    /** The victim and a bystander, subscribed to everything they may: what reaches them is the attacker's leak. */
    static List<RawDevice> watchers() throws IOException {
        List<RawDevice> out = new ArrayList<>();
        for (String id : List.of("dev-v", "dev-b")) {
            RawDevice d = device(id);
            assertThat(d.subscribe("/devices/" + id + "/config")).isEqualTo(1);
            assertThat(d.subscribe("/devices/" + id + "/commands/#")).isEqualTo(1);
            assertThat(d.alive()).isTrue(); // and past a retained config another test set
            out.add(d);
        }
        return out;
    }

    static void assertNothingReached(List<RawDevice> watchers) throws IOException {
        for (RawDevice w : watchers) {
            RawDevice.Packet p = w.poll();
            assertThat(p).as("a packet reached a watcher: " + (p == null ? "" : p.type() == 3 ? p.topic() : "type "
                    + p.type())).isNull();
            assertThat(w.alive()).isTrue();
        }
    }

    @Test
    void noPublishOutsideItsOwnTopicsIsAcknowledgedOrDelivered() throws Exception {
        List<RawDevice> watchers = watchers();
        Map<String, String> failures = new LinkedHashMap<>();
        int n = 0;
        for (String topic : HOSTILE_PUBLISH) {
            for (int qos : new int[] {0, 1}) {
                byte[] payload = ("escape-" + n++).getBytes(StandardCharsets.UTF_8);
                try (RawDevice a = device("dev-a")) {
                    if (qos == 1) {
                        String answer;
                        try {
                            answer = "answered packet type " + a.publish1(topic, payload);
                        } catch (java.net.SocketTimeoutException kept) {
                            answer = "no answer, connection kept";
                        } catch (IOException closed) {
                            answer = null;
                        }
                        if (answer != null) {
                            failures.put(show(topic) + " qos1", answer);
                        }
                    } else {
                        a.publish0(topic, payload);
                        // Moquette judges a PUBLISH on its session loop, so the close follows the refusal shortly
                        if (!a.closedByBroker()) {
                            failures.put(show(topic) + " qos0", "connection kept");
                        }
                    }
                }
            }
        }
        assertThat(failures).as("hostile publishes that were not refused").isEmpty();
        assertNothingReached(watchers);
        assertThat(messages).as("messages the broker routed from the attacker")
                .noneMatch(m -> String.valueOf(m.payload()).startsWith("escape-"));
        for (RawDevice w : watchers) {
            w.close();
        }
    }

    @Test
    void publishesUnderItsOwnEventsAreTakenLiterallyAndReachNoOtherDevice() throws Exception {
        List<RawDevice> watchers = watchers();
        try (RawDevice a = device("dev-a")) {
            int n = 0;
            for (String topic : LITERAL_PUBLISH) {
                assertThat(a.publish1(topic, ("literal-" + n++).getBytes(StandardCharsets.UTF_8)))
                        .as("PUBACK for " + show(topic)).isEqualTo(4);
            }
            assertThat(a.alive()).isTrue();
        }
        assertNothingReached(watchers);
        for (int i = 0; i < 100 && messages.stream().filter(m -> String.valueOf(m.payload()).startsWith("literal-"))
                .count() < LITERAL_PUBLISH.size(); i++) {
            Thread.sleep(20);
        }
        for (int i = 0; i < LITERAL_PUBLISH.size(); i++) {
            String payload = "literal-" + i;
            String topic = LITERAL_PUBLISH.get(i);
            assertThat(messages).as(show(topic)).anySatisfy(m -> {
                assertThat(m.payload()).isEqualTo(payload);
                assertThat(m.device()).isEqualTo("dev-a");
                assertThat(m.topic()).isEqualTo(topic);
            });
        }
        for (RawDevice w : watchers) {
            w.close();
        }
    }

    @Test
    void topicsWithNulCloseTheConnectionAsMalformed() throws Exception {
        for (int i = 0; i < NUL_TOPICS.size(); i++) {
            String topic = NUL_TOPICS.get(i);
            try (RawDevice a = device("dev-a")) {
                if (i == 0) {
                    assertThatThrownBy(() -> a.publish1(topic, "nul".getBytes(StandardCharsets.UTF_8)))
                            .as(show(topic)).isInstanceOf(IOException.class);
                } else {
                    assertThatThrownBy(() -> a.subscribe(topic)).as(show(topic)).isInstanceOf(IOException.class);
                }
            }
        }
        for (int i = 0; i < 100 && events.stream().filter(e -> "mqtt.malformed".equals(e.code())).count()
                < NUL_TOPICS.size(); i++) {
            Thread.sleep(20);
        }
        assertThat(events).filteredOn(e -> "mqtt.malformed".equals(e.code())).hasSize(NUL_TOPICS.size());
        assertThat(messages).noneMatch(m -> "nul".equals(m.payload()));
    }

    @Test
    void hostileSubscriptionsGetSuback0x80AndReceiveNothing() throws Exception {
        List<RawDevice> watchers = watchers();
        Map<String, String> failures = new LinkedHashMap<>();
        RawDevice a = device("dev-a");
        for (String filter : HOSTILE_SUBSCRIBE) {
            int code;
            try {
                code = a.subscribe(filter);
            } catch (IOException closed) {
                code = -1;
                a.close();
                a = device("dev-a");
            }
            if (code != 0x80) {
                failures.put(show(filter), code == -1 ? "connection closed" : "SUBACK " + code);
            }
        }
        for (String filter : LITERAL_SUBSCRIBE) {
            int code = a.subscribe(filter);
            if (code != 1) {
                failures.put(show(filter), "SUBACK " + code + " for a filter inside its own topics");
            }
        }
        assertThat(failures).as("subscriptions not answered as expected").isEmpty();
        assertThat(a.alive()).isTrue();
        // what a leaked subscription would carry: the other devices' configs, and what the bystander publishes
        broker.updateConfig("dev-v", "secret-config-v".getBytes(StandardCharsets.UTF_8));
        broker.updateConfig("dev-b", "secret-config-b".getBytes(StandardCharsets.UTF_8));
        try (RawDevice b = device("dev-b")) {
            assertThat(b.publish1("/devices/dev-b/events", "bystander".getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
            assertThat(b.publish1("/devices/dev-b/state", "bystander".getBytes(StandardCharsets.UTF_8))).isEqualTo(4);
        }
        for (RawDevice w : watchers) {
            RawDevice.Packet config = w.poll();
            assertThat(config).as("the watcher's own config").isNotNull();
            assertThat(config.topic()).matches("/devices/dev-[vb]/config");
            w.close();
        }
        RawDevice.Packet leaked = a.poll();
        assertThat(leaked).as("a packet reached the attacker: " + (leaked == null ? "" : leaked.type() == 3
                ? show(leaked.topic()) : "type " + leaked.type())).isNull();
        assertThat(a.alive()).isTrue();
        a.close();
    }

    /** A topic as the report shows it: control characters visible, long ones cut. */
    static String show(String topic) {
        StringBuilder b = new StringBuilder();
        for (char c : (topic.length() > 80 ? topic.substring(0, 60) + "…(" + topic.length() + " chars)" : topic)
                .toCharArray()) {
            b.append(c < 0x20 ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return "'" + b + "'";
    }
}
