package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.mqtt.PahoConnector;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * {@code connect --stay}: stays connected as a real device would. Reconnects with a fresh token before the old one
 * expires, and with exponential backoff and jitter after a drop, subscribing again each time; reconnects dial the
 * address the tcp step reached and verify as the trust step did. With {@code --publish-every} it publishes telemetry
 * as it goes: a message due while disconnected waits in an outbox (bounded) and is sent once connected again; a
 * message never acknowledged by the end is reported as lost. One simulator serves one stay.
 */
final class DeviceSimulator {
    static final int OUTBOX = 1000;

    private final Context ctx;
    private final ConnectRequest r;
    private final Verified reconnectTo;
    private final Random jitter;

    private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
    private final List<Integer> overflowed = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private MqttLink current;
    private boolean connected = true;
    private Instant nextPublish;
    private int seq;
    private int acknowledged;
    private int afterReconnect;
    private int connections = 1;
    private int drops;
    private int refreshes;
    private int failedAttempts;

    /**
     * @param address where to reconnect: the address the tcp step reached
     * @param jitter  the backoff's jitter
     */
    DeviceSimulator(Context ctx, InetSocketAddress address, Random jitter) {
        this.ctx = ctx;
        this.r = ctx.request();
        this.reconnectTo = new Verified(address, null);
        this.jitter = jitter;
    }

    /**
     * The session step's result as it ends after the stay, and the MQTT client in use then (the caller closes it).
     */
    record Stayed(MqttLink link, StepResult session) {
    }

    /**
     * Stays for {@code --stay} on {@code first}, connected by the mqtt step, after the session step gave
     * {@code session}; the session's facts and findings carry over into the result (a drop is counted with every
     * later one).
     */
    Stayed stay(MqttLink first, StepResult session) {
        long start = ctx.time().nanoTime();
        Map<String, String> facts = new LinkedHashMap<>(session.facts());
        List<Finding> findings = new ArrayList<>(session.findings().stream()
                .filter(f -> !f.code().equals("mqtt.dropped")).toList()); // counted below, with every drop
        boolean firstAcknowledged = session.facts().containsKey("published");
        current = first;
        seq = r.publishTopic() == null ? 0 : 1; // the session step published (or tried) message 1
        acknowledged = firstAcknowledged ? 1 : 0;
        if (r.publishTopic() != null && !firstAcknowledged) {
            outbox.addLast(new Outgoing(1, true)); // dropped before its PUBACK: sent again
        }
        Instant end = now().plus(r.stay());
        Instant minted = now();
        if (r.publishEvery() != null) {
            nextPublish = now().plus(r.publishEvery());
        }
        event("connected");
        while (now().isBefore(end)) {
            drain();
            Instant refreshAt = r.freshToken() == null ? end
                    : minted.plusMillis(Math.max(1000, r.tokenTtl().toMillis() * 8 / 10));
            Instant wake = refreshAt.isBefore(end) ? refreshAt : end;
            idle(wake, true);
            if (!now().isBefore(end) && current.lost() == null) {
                break;
            }
            if (current.lost() == null && now().isBefore(wake)) {
                continue; // a message fell due: send it
            }
            boolean dropped = current.lost() != null;
            if (dropped) {
                drops++;
                event("dropped (" + current.lost().getClass().getSimpleName() + ")");
            } else {
                refreshes++;
                event("token refresh: reconnecting with a fresh token before exp");
            }
            current.close();
            connected = false;
            minted = reconnect(dropped, end, minted);
        }
        drain();
        return new Stayed(current, report(start, facts, findings));
    }

    /**
     * Connects again until it works or the stay ends, with backoff after a drop or a failed attempt. Returns when the
     * token in use was minted.
     */
    private Instant reconnect(boolean dropped, Instant end, Instant minted) {
        int attempt = 0;
        while (now().isBefore(end)) {
            if (dropped || attempt > 0) {
                long backoff = Math.min(32_000, 1000L << Math.min(attempt, 5)) + jitter.nextInt(500);
                event("waiting " + backoff + " ms before reconnecting (attempt " + (attempt + 1) + ")");
                Instant until = now().plusMillis(backoff);
                idle(until.isBefore(end) ? until : end, false);
                if (!now().isBefore(end)) {
                    break;
                }
            }
            String token = r.freshToken() != null ? r.freshToken().get() : r.token();
            minted = now();
            current = ctx.network().mqtt();
            PahoConnector.ConnectOutcome o = MqttStep.connect(ctx, current, reconnectTo, token);
            if (o.connected()) {
                connections++;
                connected = true;
                event("connected again (" + (r.freshToken() != null ? "fresh token" : "same token") + ")");
                if (r.subscribeTopic() != null) {
                    PahoConnector.SessionOutcome sub = current.session(null, "", r.subscribeTopic(),
                            Duration.ZERO, r.timeout());
                    event(sub.findings().isEmpty() ? "subscribed again to " + r.subscribeTopic()
                            : "subscribing again failed: " + sub.findings().get(0).code());
                }
                break;
            }
            failedAttempts++;
            event("reconnect failed: " + o.failure().code());
            current.close();
            attempt++;
        }
        return minted;
    }

    /** The session step's result after the stay: the events, the counts, drops and lost messages. */
    private StepResult report(long start, Map<String, String> facts, List<Finding> findings) {
        for (int i = 0; i < events.size(); i++) {
            facts.put("event " + (i + 1), events.get(i));
        }
        String summary = "stayed " + dev.iotjwt.time.Times.human(r.stay()) + ": " + plural(connections,
                "connection") + ", " + plural(drops, "drop") + ", " + refreshes + " token refresh"
                + (refreshes == 1 ? "" : "es") + ", " + plural(failedAttempts, "failed reconnect");
        if (r.publishEvery() != null) {
            summary += "; " + seq + " published, " + acknowledged + " acknowledged ("
                    + afterReconnect + " sent after reconnecting)";
            facts.put("messages", seq + " published (every " + dev.iotjwt.time.Times.human(r.publishEvery())
                    + ", QoS 1), " + acknowledged + " acknowledged, " + afterReconnect
                    + " kept while disconnected and sent after reconnecting");
        }
        facts.put("summary", summary);
        if (drops > 0) {
            findings.add(Finding.warning("mqtt.dropped", "the broker dropped the connection " + drops
                    + " time" + (drops == 1 ? "" : "s") + " while staying", "IoT Core drops a device whose token"
                    + " expired (exp + 10 min), that publishes QoS 2 or to a topic not its own, or idles 20 min"));
        }
        List<Integer> lost = new ArrayList<>(overflowed);
        outbox.forEach(m -> lost.add(m.seq()));
        if (!lost.isEmpty()) {
            facts.put("lost", lost.toString());
            findings.add(Finding.error("mqtt.messages-lost", plural(lost.size(), "QoS 1 message") + " never"
                    + " acknowledged by the broker: " + numbers(lost) + (overflowed.isEmpty() ? ""
                    : " (" + overflowed.size() + " pushed out of the " + OUTBOX + "-message outbox)")
                    + "; the session ended while " + (connected ? "they waited for PUBACK"
                    : "disconnected"), "a device must keep unacknowledged QoS 1 messages and send them again"
                    + " after reconnecting; stay longer or find why the broker was unreachable (see the events)"));
        }
        return new StepResult("session", StepResult.statusOf(findings), summary, facts, findings,
                ctx.millisSince(start));
    }

    private Instant now() {
        return ctx.time().now();
    }

    /** Waits until {@code until}, queueing messages as they fall due; returns early on a drop or a due one. */
    private void idle(Instant until, boolean returnWhenDue) {
        while (now().isBefore(until) && (!connected || current.lost() == null)) {
            if (nextPublish != null && !now().isBefore(nextPublish)) {
                queue();
                if (returnWhenDue && connected) {
                    return;
                }
            }
            ctx.time().sleep(Duration.ofMillis(20));
        }
    }

    private void queue() {
        seq++;
        nextPublish = nextPublish.plus(r.publishEvery());
        if (outbox.size() == OUTBOX) {
            overflowed.add(outbox.removeFirst().seq());
        }
        outbox.addLast(new Outgoing(seq, !connected || current.lost() != null));
        if (!connected || current.lost() != null) {
            event("message " + seq + " kept: not connected");
        }
    }

    /** Sends what the outbox holds, oldest first, while the connection holds. */
    private void drain() {
        List<Integer> late = new ArrayList<>();
        while (connected && !outbox.isEmpty() && current.lost() == null) {
            Outgoing m = outbox.peekFirst();
            byte[] payload = r.payload().replace("{seq}", String.valueOf(m.seq())).getBytes(StandardCharsets.UTF_8);
            if (!current.publish(r.publishTopic(), payload)) {
                event("message " + m.seq() + " not acknowledged: kept to send again");
                outbox.removeFirst();
                outbox.addFirst(new Outgoing(m.seq(), true));
                break;
            }
            outbox.removeFirst();
            acknowledged++;
            if (m.late()) {
                afterReconnect++;
                late.add(m.seq());
            }
        }
        if (!late.isEmpty()) {
            event("sent " + plural(late.size(), "kept message") + " (" + numbers(late) + "): PUBACK for each");
        }
    }

    private void event(String what) {
        events.add(now().truncatedTo(ChronoUnit.MILLIS) + " " + what);
    }

    /** A QoS 1 message of a stay; late when it was due while disconnected or its first send failed. */
    private record Outgoing(int seq, boolean late) {
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Message numbers, shortened to the first and last few when there are many. */
    static String numbers(List<Integer> seqs) {
        if (seqs.size() <= 12) {
            return seqs.stream().map(String::valueOf).collect(Collectors.joining(", "));
        }
        return seqs.subList(0, 5).stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ", … , " + seqs.subList(seqs.size() - 5, seqs.size()).stream().map(String::valueOf)
                .collect(Collectors.joining(", "));
    }
}
