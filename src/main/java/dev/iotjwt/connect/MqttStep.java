package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.mqtt.PahoConnector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mqtt step: CONNECT with the token over the verified connection, CONNACK within the bound. Hands over the
 * connected MQTT client (the caller closes it); a client that did not connect is closed here.
 */
final class MqttStep implements Step<Verified, MqttLink> {
    private final Context ctx;

    MqttStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<MqttLink> run(Verified verified) {
        ConnectRequest r = ctx.request();
        long start = ctx.time().nanoTime();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("protocol", "MQTT 3.1.1, clean session, user name '" + r.username() + "'");
        MqttLink link = ctx.network().mqtt();
        PahoConnector.ConnectOutcome o;
        try {
            o = connect(ctx, link, verified, r.token());
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
        facts.put("CONNACK", o.connected() ? "0 (accepted)" : o.connackCode() >= 0 ? String.valueOf(
                o.connackCode()) : "none");
        if (o.connected()) {
            return new Outcome<>(new StepResult("mqtt", Status.PASS, "CONNACK 0: connected", facts, List.of(),
                    ctx.millisSince(start)), link);
        }
        link.close();
        Finding failure = o.failure();
        if ("local".equals(r.profile()) && failure != null
                && failure.code().equals("mqtt.connack.not-authorized")) {
            // the local broker logs every refusal with its finding code and reason: that line is the answer
            failure = Finding.error(failure.code(), failure.message(), "the local broker's log names the exact"
                    + " reason: see its 'refused <device> <code>: <reason>' line; check the token with iotjwt"
                    + " check --project P --public-key KEY");
        }
        return Outcome.failed(ctx.fail("mqtt", start, facts, failure));
    }

    /**
     * CONNECT through {@code link} to the verified address with {@code token}: over the verified connection when the
     * hand-off holds one, else over a new verifying handshake (reconnects).
     */
    static PahoConnector.ConnectOutcome connect(Context ctx, MqttLink link, Verified verified, String token) {
        ConnectRequest r = ctx.request();
        return link.connect(new MqttLink.Dial(verified.address(), r.host(), r.tls(), ctx.roots(), r.timeout(),
                verified.socket()), r.clientId(), r.username(), token);
    }
}
