package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tcp step: each address in turn until one accepts a TCP connection (refused: RST; timed out: filtered). Hands
 * over the address that answered.
 */
final class TcpStep implements Step<Resolved, Reached> {
    private final Context ctx;

    TcpStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<Reached> run(Resolved resolved) {
        ConnectRequest r = ctx.request();
        long start = ctx.time().nanoTime();
        Map<String, String> facts = new LinkedHashMap<>();
        List<String> failures = new ArrayList<>();
        Finding last = null;
        for (InetAddress a : resolved.addresses()) {
            InetSocketAddress sa = new InetSocketAddress(a, r.port());
            try {
                ctx.network().connect(sa, r.timeout());
                facts.put("connected", a.getHostAddress() + ":" + r.port());
                if (!failures.isEmpty()) {
                    facts.put("failed first", String.join("; ", failures));
                }
                return new Outcome<>(new StepResult("tcp", Status.PASS, "connected to " + a.getHostAddress() + ":"
                        + r.port() + (failures.isEmpty() ? "" : " after " + failures.size() + " dead address(es)"),
                        facts, List.of(), ctx.millisSince(start)), new Reached(sa));
            } catch (ConnectException e) {
                failures.add(a.getHostAddress() + " refused");
                last = Finding.error("tcp.refused", r.host() + ":" + r.port() + " refused the TCP connection"
                        + " (RST): nothing listens there, or a firewall rejects it", "check the port: 8883, or"
                        + " 443 where 8883 is blocked");
            } catch (SocketTimeoutException e) {
                failures.add(a.getHostAddress() + " timed out");
                last = Finding.error("tcp.timeout", "no answer to the TCP connection to " + r.host() + ":"
                        + r.port() + " within " + r.timeout().toSeconds() + " s: the port is filtered",
                        "a firewall drops the traffic; try port 443");
            } catch (IOException e) {
                failures.add(a.getHostAddress() + " " + e.getMessage());
                last = Finding.error("tcp.refused", "cannot connect to " + r.host() + ":" + r.port() + ": "
                        + e.getMessage(), null);
            }
        }
        facts.put("tried", String.join("; ", failures));
        if (failures.size() > 1) {
            last = Finding.error(last.code(), "every address of " + r.host() + " failed (" + String.join("; ",
                    failures) + "): " + last.message(), last.hint());
        }
        return Outcome.failed(ctx.fail("tcp", start, facts, last));
    }
}
