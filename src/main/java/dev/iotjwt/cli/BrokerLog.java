package dev.iotjwt.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.broker.BrokerPki;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * How the broker reads for people: a start banner and one log line per connection event on stderr, one JSON line
 * per device message on stdout (or the events file). Lines are written whole, from Netty's threads.
 */
final class BrokerLog implements BrokerListener {
    private static final Gson LINE = new GsonBuilder().disableHtmlEscaping().create();
    /** Reports and events keep their null fields, as connect's JSON does. */
    private static final Gson REPORT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final PrintWriter log;
    private final PrintWriter out;
    private final PrintWriter events;
    private final boolean json;

    BrokerLog(PrintWriter log, PrintWriter out, PrintWriter events) {
        this(log, out, events, false);
    }

    /** With {@code json}, every log line is one JSON object (events and the devices' reports). */
    BrokerLog(PrintWriter log, PrintWriter out, PrintWriter events, boolean json) {
        this.log = log;
        this.out = out;
        this.events = events;
        this.json = json;
    }

    /** Devices named in the banner at most: a fleet's registry would otherwise fill the screen. */
    static final int IDS_SHOWN = 20;

    /** The first {@link #IDS_SHOWN} ids, then how many more. */
    static String someIds(java.util.Collection<String> ids) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (String id : ids) {
            if (n == IDS_SHOWN) {
                return b.append(" and ").append(ids.size() - n).append(" more").toString();
            }
            b.append(n++ == 0 ? "" : ", ").append(id);
        }
        return b.toString();
    }

    void started(LocalBroker broker, boolean defaultState, String crypto) {
        Registry r = broker.registry();
        String bind = broker.settings().bind();
        StringBuilder b = new StringBuilder();
        b.append("iotjwt broker: listening on ").append(bind.contains(":") ? "[" + bind + "]" : bind).append(':')
                .append(broker.port()).append(", TLS only, MQTT 3.1.1\n");
        b.append("  registry  ").append(r.clientIdOf("").replaceAll("/devices/$", "")).append(" (")
                .append(r.devices().size()).append(r.devices().size() == 1 ? " device: " : " devices: ")
                .append(r.devices().isEmpty() ? "create them through the API" : someIds(r.devices().keySet()))
                .append(")\n");
        b.append("  CA        ").append(broker.pki().caFile().toAbsolutePath())
                .append(broker.pkiCreated() ? " (created now)"
                : " (reused)").append(": the root devices must trust\n");
        b.append("  server    certificate for ").append(String.join(", ", dev.iotjwt.tls.Certificates.sans(
                broker.pki().serverChain().get(0)))).append(broker.settings().requireSni() ? "; SNI required" : "").append('\n');
        b.append("  judging   as IoT Core did: aud = ").append(r.project()).append(", iat/exp within ")
                .append(dev.iotjwt.time.Times.human(broker.settings().skew())).append(" skew, lifetime <= 24 h,")
                .append(" refusals answered with CONNACK 5").append(broker.settings().strict()
                        ? "; --strict: padding and non-canonical encodings refused" : "").append('\n');
        b.append("  tls       ").append(broker.tlsProvider()).append(", ").append(String.join(" and ",
                broker.settings().tlsProfile().protocols())).append(broker.settings().tlsProfile()
                == dev.iotjwt.broker.tls.TlsProfile.DEFAULT ? "" : ", as " + String.join(", ",
                broker.settings().tlsProfile().hosts()) + " (--tls-profile " + broker.settings().tlsProfile()
                .cliName() + ")").append("; every handshake that fails is logged with the device's side of it\n");
        b.append("  crypto    ").append(crypto).append('\n');
        if (broker.apiPort() >= 0) {
            b.append("  api       http://").append(bind.contains(":") ? "[" + bind + "]" : bind).append(':')
                    .append(broker.apiPort()).append("/v1/").append(r.clientIdOf("").replaceAll("/devices/$", ""))
                    .append(" (Cloud IoT Core v1 device manager").append(broker.settings().apiToken() != null
                            ? "; bearer token required)" : ")").append('\n');
        }
        b.append("connect a device:\n  iotjwt connect --profile local");
        if (broker.settings().requireSni()) {
            // the profile's host is 127.0.0.1, and a client sends no SNI to an address
            b.append(" --host localhost");
        }
        if (broker.port() != 8883) {
            b.append(" --port ").append(broker.port());
        }
        if (!defaultState) {
            b.append(" --ca ").append(broker.pki().caFile().toAbsolutePath());
        }
        String first = r.devices().isEmpty() ? "DEVICE" : r.devices().keySet().iterator().next();
        b.append(" --client-id ").append(r.clientIdOf(first)).append(" --key PRIVATE_KEY.pem\n");
        b.append("stop with Ctrl-C");
        if (json) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("type", "started");
            o.addProperty("bind", bind);
            o.addProperty("port", broker.port());
            o.addProperty("registry", r.clientIdOf("").replaceAll("/devices/$", ""));
            com.google.gson.JsonArray ids = new com.google.gson.JsonArray();
            r.devices().keySet().forEach(ids::add);
            o.add("devices", ids);
            o.addProperty("ca", broker.pki().caFile().toAbsolutePath().toString());
            o.addProperty("tlsProvider", broker.tlsProvider());
            o.addProperty("tlsProfile", broker.settings().tlsProfile().cliName());
            o.addProperty("threads", broker.threads());
            o.addProperty("requireSni", broker.settings().requireSni());
            o.addProperty("strict", broker.settings().strict());
            o.addProperty("crypto", crypto);
            if (broker.apiPort() >= 0) {
                o.addProperty("apiPort", broker.apiPort());
            }
            o.addProperty("connect", b.substring(b.indexOf("  iotjwt connect") + 2, b.indexOf("\nstop with")));
            line(log, LINE.toJson(o));
            return;
        }
        line(log, b.toString());
    }

    /** A warning before the start: two text lines, or one JSON object with {@code --log-format json}. */
    void warning(SecretWarnings.Warning w) {
        if (w == null) {
            return;
        }
        if (json) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("type", "warning");
            o.addProperty("detail", w.message());
            o.addProperty("hint", w.hint());
            line(log, LINE.toJson(o));
            return;
        }
        line(log, "iotjwt: warning: " + w.message() + "\nhint: " + w.hint());
    }

    void stopped(String how) {
        if (json) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("type", "stopped");
            o.addProperty("detail", how);
            line(log, LINE.toJson(o));
            return;
        }
        line(log, "iotjwt broker: " + how);
    }

    @Override
    public boolean wantsReports() {
        return json;
    }

    @Override
    public void report(dev.iotjwt.diagnose.Diagnosis d) {
        if (json) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("type", "report");
            o.addProperty("time", java.time.Instant.now().toString());
            o.add("report", REPORT.toJsonTree(d));
            line(log, REPORT.toJson(o));
        }
    }

    @Override
    public void event(Event e) {
        if (json) {
            com.google.gson.JsonObject o = new com.google.gson.JsonObject();
            o.addProperty("type", "event");
            o.addProperty("time", e.time().toString());
            o.addProperty("kind", e.kind());
            o.addProperty("device", e.device());
            o.addProperty("code", e.code());
            o.addProperty("detail", e.detail());
            line(log, REPORT.toJson(o));
            return;
        }
        // client ids and topics come from the network: no control characters reach the log (no forged lines)
        line(log, DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.SECONDS)) + " "
                + e.kind() + " " + (e.device() == null ? "-" : printable(e.device()))
                + (e.code() == null ? "" : " " + e.code()) + ": " + printable(e.detail()));
    }

    @Override
    public void message(Message m) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("time", m.time().toString());
        o.addProperty("device", m.device());
        o.addProperty("topic", m.topic());
        o.addProperty("qos", m.qos());
        if (m.payload() != null) {
            o.addProperty("payload", m.payload());
        } else {
            o.addProperty("payloadBase64", m.payloadBase64());
        }
        line(events != null ? events : out, LINE.toJson(o));
    }

    static String printable(String s) {
        return dev.iotjwt.Messages.printable(s);
    }

    private static void line(PrintWriter w, String text) {
        synchronized (w) {
            w.println(text);
            w.flush();
        }
    }
}
