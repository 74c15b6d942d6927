package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.mqtt.PahoConnector;

import java.util.List;
import java.util.Map;

/**
 * The session step: subscribe (and wait for messages), publish once with QoS 1. Skipped when nothing was asked; with
 * only {@code --stay}, it passes and the device simulator takes over. Hands the MQTT client on.
 */
final class SessionStep implements Step<MqttLink, MqttLink> {
    private final Context ctx;

    SessionStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<MqttLink> run(MqttLink link) {
        ConnectRequest r = ctx.request();
        long start = ctx.time().nanoTime();
        if (r.publishTopic() == null && r.subscribeTopic() == null && r.stay().isZero()) {
            return new Outcome<>(new StepResult("session", Status.SKIPPED, "nothing asked (--publish, --subscribe)",
                    Map.of(), List.of(), 0), link);
        }
        if (r.publishTopic() == null && r.subscribeTopic() == null) {
            return new Outcome<>(new StepResult("session", Status.PASS, "connected", Map.of(), List.of(), 0), link);
        }
        PahoConnector.SessionOutcome s = link.session(r.publishTopic(),
                r.publishEvery() == null ? r.payload() : r.payload().replace("{seq}", "1"),
                r.subscribeTopic(), r.waitFor(), r.timeout());
        Status status = StepResult.statusOf(s.findings());
        String summary = status == Status.FAIL ? s.findings().get(0).message() : String.join("; ",
                s.facts().entrySet().stream().filter(e -> !e.getKey().startsWith("message "))
                        .map(e -> e.getKey() + " " + e.getValue()).toList());
        return new Outcome<>(new StepResult("session", status, summary, s.facts(), s.findings(),
                ctx.millisSince(start)), link);
    }
}
