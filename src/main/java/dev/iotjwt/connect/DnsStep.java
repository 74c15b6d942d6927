package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** The dns step: the host's addresses within the bound. */
final class DnsStep implements Step<String, Resolved> {
    private final Context ctx;

    DnsStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<Resolved> run(String host) {
        long start = ctx.time().nanoTime();
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            List<InetAddress> addresses = ctx.network().resolve(host, ctx.request().timeout());
            String list = String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
            facts.put("addresses", list);
            return new Outcome<>(new StepResult("dns", Status.PASS, host + " → " + list, facts, List.of(),
                    ctx.millisSince(start)), new Resolved(addresses));
        } catch (TimeoutException e) {
            return Outcome.failed(ctx.fail("dns", start, facts, Finding.error("dns.unresolved", "no DNS answer for "
                    + host + " within " + ctx.request().timeout().toSeconds() + " s", "check the DNS server or proxy"
                    + " settings")));
        } catch (UnknownHostException e) {
            return Outcome.failed(ctx.fail("dns", start, facts, Finding.error("dns.unresolved", "cannot resolve "
                    + host + " (DNS)", "check the host name's spelling and the DNS server; IoT Core's hosts are"
                    + " mqtt.googleapis.com and mqtt.2030.ltsapis.goog")));
        }
    }
}
