package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.diagnose.Target;
import dev.iotjwt.mqtt.ClientIds;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Connects like a device, step by step: inputs, dns, tcp, tls, trust, mqtt, session. Each step hands the next what it
 * needs (the host, its addresses, the address that answered, the handshake, the verified connection, the MQTT client);
 * every step is bounded; after a failure the later steps are skipped; the token is only sent once trust has passed,
 * over a verifying connection. With {@code --stay} the {@link DeviceSimulator} carries the session on.
 */
public final class ConnectDoctor {
    private static final List<String> ORDER = List.of("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session");

    private final Network network;
    private final Time time;
    private final Random jitter;

    /** Over the real network, on the system clock. */
    public ConnectDoctor() {
        this(new SocketNetwork(), Time.SYSTEM, new Random());
    }

    ConnectDoctor(Network network, Time time, Random jitter) {
        this.network = network;
        this.time = time;
        this.jitter = jitter;
    }

    public Diagnosis run(ConnectRequest r) {
        // the report is the session's log: a token pasted into the client id loses its signature there too
        Target target = new Target(r.profile(), r.host(), r.port(), r.tls().sni(), ClientIds.quote(r.clientId()));
        Context ctx = new Context(r, network, time);
        List<StepResult> steps = new ArrayList<>();
        Handshake handshake = null;
        try {
            String host = next(steps, new InputsStep(ctx), r);
            Resolved resolved = host == null ? null : next(steps, new DnsStep(ctx), host);
            Reached reached = resolved == null ? null : next(steps, new TcpStep(ctx), resolved);
            handshake = reached == null ? null : next(steps, new TlsStep(ctx), reached);
            Verified verified = handshake == null ? null : next(steps, new TrustStep(ctx), handshake);
            if (verified != null) {
                session(ctx, steps, verified);
            }
        } finally {
            closeUnused(handshake);
        }
        String failed = steps.get(steps.size() - 1).id();
        for (String id : ORDER.subList(ORDER.indexOf(failed) + 1, ORDER.size())) {
            steps.add(StepResult.skipped(id, "skipped: the " + failed + " step failed"));
        }
        boolean ok = steps.stream().noneMatch(s -> s.status() == Status.FAIL);
        return new Diagnosis(ok, target, steps, ok ? null : CauseRanking.cause(steps));
    }

    /** Runs one step, records its result, and returns its hand-off (null when it failed). */
    private static <I, O> O next(List<StepResult> steps, Step<I, O> step, I in) {
        Step.Outcome<O> outcome = step.run(in);
        steps.add(outcome.result());
        return outcome.failed() ? null : outcome.next();
    }

    /** mqtt, then session, then (with --stay) the device simulator; the MQTT client is closed at the end. */
    private void session(Context ctx, List<StepResult> steps, Verified verified) {
        MqttLink link = next(steps, new MqttStep(ctx), verified);
        if (link == null) {
            return;
        }
        try {
            StepResult session = new SessionStep(ctx).run(link).result();
            // staying, a drop is what the device rides out: reconnect rather than end there
            boolean onlyDropped = session.findings().stream().filter(Finding::isError)
                    .allMatch(f -> f.code().equals("mqtt.dropped")) && link.lost() != null;
            if (!ctx.request().stay().isZero() && (session.status() != Status.FAIL || onlyDropped)) {
                DeviceSimulator.Stayed stayed = new DeviceSimulator(ctx, verified.address(), jitter).stay(link,
                        session);
                link = stayed.link();
                session = stayed.session();
            }
            steps.add(session);
        } finally {
            link.close();
        }
    }

    /** The TLS step's connection, when MQTT did not take it over (a later step failed or was not run). */
    private static void closeUnused(Handshake handshake) {
        if (handshake != null && handshake.probe().socket() != null && !handshake.probe().socket().isClosed()) {
            try {
                handshake.probe().socket().close();
            } catch (IOException e) {
                // nothing to tell: the diagnosis is complete
            }
        }
    }
}
