package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --stay} on a scripted broker and a clock that moves as the simulator waits: drops, backoff, outbox. */
class DeviceSimulatorTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);
    static final String EVENTS = "/devices/dev-1/events";
    static final String CONFIG = "/devices/dev-1/config";

    final FakeNetwork net = new FakeNetwork();
    final FakeTime time = new FakeTime(Fixtures.NOW);
    final Requests req = new Requests();
    /** The backoff's jitter, fixed: 250 ms. */
    final Random jitter = new Random() {
        @Override
        public int nextInt(int bound) {
            return 250;
        }
    };

    DeviceSimulator.Stayed stay(FakeNetwork.FakeLink first, StepResult session) {
        return new DeviceSimulator(req.context(net, time), ADDRESS, jitter).stay(first, session);
    }

    static StepResult published() {
        return new StepResult("session", Status.PASS, "published", Map.of("published", EVENTS + " (9 bytes)"),
                List.of(), 5);
    }

    List<String> events(StepResult r) {
        return r.facts().entrySet().stream().filter(e -> e.getKey().startsWith("event "))
                .map(e -> e.getValue().substring(e.getValue().indexOf(' ') + 1)).toList();
    }

    void telemetry(Duration stay) {
        req.stay = stay;
        req.publishTopic = EVENTS;
        req.payload = "reading {seq}";
        req.publishEvery = Duration.ofSeconds(1);
    }

    @Test
    void aDropIsRiddenOutMessagesDueMeanwhileAreKeptAndSentAfterReconnecting() {
        telemetry(Duration.ofSeconds(10));
        req.subscribeTopic = CONFIG;
        FakeNetwork.FakeLink first = new FakeNetwork.FakeLink().accepting();
        first.pubacksBeforeDrop = 2; // messages 2 and 3; message 4 finds the connection gone
        FakeNetwork.FakeLink second = new FakeNetwork.FakeLink().accepting();
        net.links.add(second);
        DeviceSimulator.Stayed s = stay(first, published());
        StepResult r = s.session();
        assertThat(s.link()).isSameAs(second);
        assertThat(first.closed).isTrue();
        assertThat(second.closed).as("the caller closes the client in use").isFalse();
        assertThat(events(r)).containsExactly("connected",
                "message 4 not acknowledged: kept to send again",
                "dropped (EOFException)",
                "waiting 1250 ms before reconnecting (attempt 1)",
                "message 5 kept: not connected",
                "connected again (same token)",
                "subscribed again to " + CONFIG,
                "sent 2 kept messages (4, 5): PUBACK for each");
        assertThat(r.facts().get("event 1")).isEqualTo("2026-11-25T10:00:00Z connected");
        assertThat(r.facts().get("event 3")).isEqualTo("2026-11-25T10:00:03Z dropped (EOFException)");
        assertThat(first.published).containsExactly("reading 2", "reading 3");
        // message n falls due n - 1 s after the session step's message 1: the last one at 9 s
        assertThat(second.published).containsExactly("reading 4", "reading 5", "reading 6", "reading 7",
                "reading 8", "reading 9", "reading 10");
        assertThat(second.subscribed).containsExactly(CONFIG);
        assertThat(second.tokens).containsExactly(req.token);
        assertThat(second.dials.get(0).address()).isEqualTo(ADDRESS);
        assertThat(second.dials.get(0).verified()).as("a reconnect makes its own verified handshake").isNull();
        assertThat(r.summary()).isEqualTo("stayed 10 s: 2 connections, 1 drop, 0 token refreshes, 0 failed"
                + " reconnects; 10 published, 10 acknowledged (2 sent after reconnecting)");
        assertThat(r.facts()).containsEntry("messages", "10 published (every 1 s, QoS 1), 10 acknowledged, 2 kept"
                + " while disconnected and sent after reconnecting").doesNotContainKey("lost");
        assertThat(r.status()).isEqualTo(Status.WARN);
        assertThat(r.findings()).extracting(Finding::code).containsExactly("mqtt.dropped");
        assertThat(r.findings().get(0).message()).isEqualTo("the broker dropped the connection 1 time while"
                + " staying");
    }

    @Test
    void aMintedTokenIsRefreshedAtFourFifthsOfItsLifetimeWithoutBackoff() {
        req.stay = Duration.ofSeconds(20);
        req.tokenTtl = Duration.ofSeconds(10);
        int[] minted = {0};
        req.freshToken = () -> "fresh-" + ++minted[0];
        FakeNetwork.FakeLink first = new FakeNetwork.FakeLink().accepting();
        FakeNetwork.FakeLink second = new FakeNetwork.FakeLink().accepting();
        FakeNetwork.FakeLink third = new FakeNetwork.FakeLink().accepting();
        net.links.addAll(List.of(second, third));
        StepResult r = stay(first, new StepResult("session", Status.PASS, "connected", Map.of(), List.of(), 0))
                .session();
        assertThat(r.facts()).containsEntry("event 2", "2026-11-25T10:00:08Z token refresh: reconnecting with a"
                + " fresh token before exp").containsEntry("event 3", "2026-11-25T10:00:08Z connected again (fresh"
                + " token)").containsEntry("event 4", "2026-11-25T10:00:16Z token refresh: reconnecting with a"
                + " fresh token before exp");
        assertThat(second.tokens).containsExactly("fresh-1");
        assertThat(third.tokens).containsExactly("fresh-2");
        assertThat(r.summary()).isEqualTo("stayed 20 s: 3 connections, 0 drops, 2 token refreshes, 0 failed"
                + " reconnects");
        assertThat(r.status()).isEqualTo(Status.PASS);
    }

    @Test
    void messagesNeverAcknowledgedWhenTheStayEndsAreReportedLost() {
        telemetry(Duration.ofSeconds(10));
        FakeNetwork.FakeLink first = new FakeNetwork.FakeLink().accepting();
        first.pubacksBeforeDrop = 0;
        for (int i = 0; i < 3; i++) {
            net.links.add(new FakeNetwork.FakeLink().refusing(-1, "tcp.refused"));
        }
        DeviceSimulator.Stayed s = stay(first, published());
        StepResult r = s.session();
        assertThat(events(r)).containsSubsequence("waiting 1250 ms before reconnecting (attempt 1)",
                "reconnect failed: tcp.refused", "waiting 2250 ms before reconnecting (attempt 2)",
                "reconnect failed: tcp.refused", "waiting 4250 ms before reconnecting (attempt 3)",
                "reconnect failed: tcp.refused", "waiting 8250 ms before reconnecting (attempt 4)");
        assertThat(net.links).as("the stay ended during the fourth backoff").isEmpty();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.findings()).extracting(Finding::code).containsExactly("mqtt.dropped", "mqtt.messages-lost");
        assertThat(r.facts()).containsEntry("lost", "[2, 3, 4, 5, 6, 7, 8, 9, 10]");
        assertThat(r.findings().get(1).message()).isEqualTo("9 QoS 1 messages never acknowledged by the broker: 2,"
                + " 3, 4, 5, 6, 7, 8, 9, 10; the session ended while disconnected");
        assertThat(r.summary()).startsWith("stayed 10 s: 1 connection, 1 drop, 0 token refreshes, 3 failed"
                + " reconnects; 10 published, 1 acknowledged");
    }

    @Test
    void aFirstMessageThatGotNoPubackIsSentAgain() {
        telemetry(Duration.ofMillis(500));
        FakeNetwork.FakeLink first = new FakeNetwork.FakeLink().accepting();
        StepResult r = stay(first, new StepResult("session", Status.FAIL, "dropped", Map.of(), List.of(
                Finding.error("mqtt.dropped", "dropped after CONNACK", null)), 0)).session();
        assertThat(first.published).containsExactly("reading 1");
        assertThat(r.findings()).as("the session's drop is counted with the stay's, none here").isEmpty();
        assertThat(r.summary()).endsWith("1 published, 1 acknowledged (1 sent after reconnecting)");
    }

    @Test
    void manyMessageNumbersAreShortened() {
        assertThat(DeviceSimulator.numbers(IntStream.rangeClosed(1, 13).boxed().toList()))
                .isEqualTo("1, 2, 3, 4, 5, … , 9, 10, 11, 12, 13");
        assertThat(DeviceSimulator.numbers(IntStream.rangeClosed(1, 12).boxed().toList()))
                .isEqualTo("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12");
    }
}
