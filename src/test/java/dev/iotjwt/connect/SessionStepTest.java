package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionStepTest {
    final FakeNetwork net = new FakeNetwork();
    final Requests req = new Requests();
    final FakeNetwork.FakeLink link = new FakeNetwork.FakeLink().accepting();

    StepResult run() {
        Step.Outcome<MqttLink> o = new SessionStep(req.context(net, new FakeTime(Fixtures.NOW))).run(link);
        assertThat(o.next()).isSameAs(link);
        return o.result();
    }

    @Test
    void nothingAskedIsSkipped() {
        StepResult r = run();
        assertThat(r.status()).isEqualTo(Status.SKIPPED);
        assertThat(r.summary()).isEqualTo("nothing asked (--publish, --subscribe)");
        assertThat(link.published).isEmpty();
    }

    @Test
    void stayingWithNothingToSendPasses() {
        req.stay = Duration.ofSeconds(10);
        StepResult r = run();
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.summary()).isEqualTo("connected");
    }

    @Test
    void theSummaryListsWhatHappenedButNotTheMessages() {
        req.publishTopic = "/devices/dev-1/events";
        req.payload = "reading {seq}";
        req.subscribeTopic = "/devices/dev-1/config";
        link.session = new PahoConnector.SessionOutcome(FakeNetwork.facts("subscribed", "/devices/dev-1/config"
                + " (granted QoS 1)", "published", "/devices/dev-1/events (9 bytes, PUBACK in 3 ms)", "received",
                "1 message(s)", "message 1", "/devices/dev-1/config {\"led\":1}"), List.of());
        StepResult r = run();
        assertThat(r.status()).isEqualTo(Status.PASS);
        assertThat(r.summary()).isEqualTo("subscribed /devices/dev-1/config (granted QoS 1); published"
                + " /devices/dev-1/events (9 bytes, PUBACK in 3 ms); received 1 message(s)");
        assertThat(r.facts()).containsKey("message 1");
        assertThat(link.published).containsExactly("reading {seq}");
        assertThat(link.subscribed).containsExactly("/devices/dev-1/config");
    }

    @Test
    void publishingEveryWhileTheFirstMessageIsNumberOne() {
        req.publishTopic = "/devices/dev-1/events";
        req.payload = "reading {seq}";
        req.publishEvery = Duration.ofSeconds(1);
        run();
        assertThat(link.published).containsExactly("reading 1");
    }

    @Test
    void aRefusedSubscriptionFailsWithItsMessage() {
        req.subscribeTopic = "/devices/other/config";
        link.session = new PahoConnector.SessionOutcome(FakeNetwork.facts(), List.of(Finding.error(
                "mqtt.subscribe.rejected", "the broker refused the subscription", null)));
        StepResult r = run();
        assertThat(r.status()).isEqualTo(Status.FAIL);
        assertThat(r.summary()).isEqualTo("the broker refused the subscription");
    }
}
