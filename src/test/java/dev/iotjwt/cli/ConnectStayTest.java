package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.RecordingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code connect --stay} as a device across a broker restart: the real local broker is stopped and started again on
 * the same port while the tool stays connected and publishes telemetry.
 */
class ConnectStayTest {
    static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/my-registry/devices/dev-ec";

    @TempDir
    Path dir;

    final RecordingListener listener = new RecordingListener();
    final List<BrokerListener.Message> messages = listener.messages;
    final List<BrokerListener.Event> events = listener.events;

    BrokerSettings settings(int port) throws Exception {
        Registry r = new Registry("my-project", "us-central1", "my-registry", new LinkedHashMap<>())
                .with(Registry.deviceOf("dev-ec", Fixtures.key("p256_public.pem"), "{\"led\":1}".getBytes()));
        return new BrokerSettings(r, "127.0.0.1", port, dir.resolve("state"), List.of("localhost"), false, false,
                Duration.ofMinutes(10), Fixtures.CLOCK);
    }

    CompletableFuture<CliRun> stay(LocalBroker b, String stay) {
        return CompletableFuture.supplyAsync(() -> CliRun.run("connect", "--host", "localhost", "--port",
                String.valueOf(b.port()), "--ca", b.pki().caFile().toString(), "--client-id", CLIENT_ID, "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--timeout", "3s", "--stay", stay, "--publish",
                "reading {seq}", "--publish-every", "400ms", "--subscribe", "config", "--wait", "100ms", "--format",
                "json"));
    }

    void awaitPayload(String payload) throws InterruptedException {
        for (int i = 0; i < 500 && messages.stream().noneMatch(m -> payload.equals(m.payload())); i++) {
            Thread.sleep(20);
        }
        assertThat(messages).as("the broker received '" + payload + "'").anyMatch(m -> payload.equals(m.payload()));
    }

    static JsonObject session(CliRun r) {
        for (var step : JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonArray("steps")) {
            if (step.getAsJsonObject().get("id").getAsString().equals("session")) {
                return step.getAsJsonObject();
            }
        }
        throw new AssertionError("no session step in " + r.out());
    }

    @Test
    @Timeout(90)
    void aMessageDueWhileTheBrokerIsDownIsDeliveredOnceItIsBackOnAFreshTokenAndSubscription() throws Exception {
        LocalBroker first = LocalBroker.start(settings(0), listener);
        int port = first.port();
        CompletableFuture<CliRun> run = stay(first, "12s");
        awaitPayload("reading 3");
        first.close();
        int receivedBeforeRestart = messages.size();
        Thread.sleep(2500); // several messages fall due while nothing listens
        CliRun r;
        try (LocalBroker second = LocalBroker.start(settings(port), listener)) {
            r = run.get(60, TimeUnit.SECONDS);
        }
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        JsonObject session = session(r);
        JsonObject facts = session.getAsJsonObject("facts");
        String all = facts.toString();
        assertThat(all).contains("dropped").contains("reconnect failed: tcp.refused").contains("kept: not connected").contains("connected again (fresh token)")
                .contains("subscribed again to /devices/dev-ec/config").doesNotContain("\"lost\"");
        Matcher m = Pattern.compile("(\\d+) published \\(every 400 ms, QoS 1\\), (\\d+) acknowledged, (\\d+) kept")
                .matcher(facts.get("messages").getAsString());
        assertThat(m.find()).as(facts.get("messages").getAsString()).isTrue();
        int published = Integer.parseInt(m.group(1));
        assertThat(Integer.parseInt(m.group(2))).isEqualTo(published);
        assertThat(Integer.parseInt(m.group(3))).as("sent after the restart").isGreaterThanOrEqualTo(3);
        Set<String> payloads = messages.stream().map(BrokerListener.Message::payload).collect(Collectors.toSet());
        assertThat(payloads).as("every message the tool published reached one of the two brokers")
                .containsAll(IntStream.rangeClosed(1, published).mapToObj(i -> "reading " + i).toList());
        assertThat(messages.size()).isGreaterThan(receivedBeforeRestart);
        // a fresh token for each connection: the second broker accepted the device again
        assertThat(events.stream().filter(e -> e.kind().equals("accepted")).count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Timeout(60)
    void messagesStillWaitingWhenTheStayEndsAreReportedLostNeverDroppedSilently() throws Exception {
        LocalBroker broker = LocalBroker.start(settings(0), listener);
        CompletableFuture<CliRun> run = stay(broker, "4s");
        awaitPayload("reading 2");
        broker.close();
        CliRun r = run.get(40, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.out()).isEqualTo(1);
        JsonObject cause = JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("cause");
        assertThat(cause.get("code").getAsString()).isEqualTo("mqtt.messages-lost");
        String lost = session(r).getAsJsonObject("facts").get("lost").getAsString();
        int firstLost = Integer.parseInt(lost.replaceAll("^\\[(\\d+).*", "$1"));
        Set<String> payloads = messages.stream().map(BrokerListener.Message::payload).collect(Collectors.toSet());
        assertThat(payloads).as("the messages reported lost are the ones the broker never had")
                .doesNotContain("reading " + firstLost);
        assertThat(cause.get("message").getAsString()).contains("never acknowledged").contains("disconnected");
    }

    @Test
    void publishEveryNeedsStayAndPublish() {
        CliRun r = CliRun.run("connect", "--host", "localhost", "--client-id", CLIENT_ID, "--key",
                Fixtures.key("p256_sec1.pem").toString(), "--publish-every", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--publish-every needs --stay and --publish");
    }
}
