package dev.iotjwt.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.iotjwt.InputException;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.demo.Demo;
import dev.iotjwt.diagnose.Diagnosis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt demo}: the whole flow against an in-process broker, with nothing to set up. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the whole flow on this machine, offline: a device key pair, a registry, the local"
                + " broker, a token, a diagnosed connection that publishes telemetry and receives its config, and one"
                + " refusal diagnosed. Everything it makes is deleted afterwards; exits 0 when the flow works."})
final class DemoCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "Bound of every network step (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == ReportFormat.text) {
            out.println("iotjwt demo: the whole flow on this machine, offline, with nothing to set up.");
            out.println("Making a device key, starting a local broker and connecting (a few seconds)...");
            out.println();
            out.flush();
        }
        Demo.Report r = new Demo().run(context.clock(), timeout);
        if (format == ReportFormat.json) {
            out.println(Json.write(json(r)));
        } else {
            text(r, out);
        }
        out.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    private static void text(Demo.Report r, PrintWriter out) {
        out.println("1. The device and its registry");
        out.println("   A P-256 key pair was made for device '" + Demo.DEVICE + "' and its public key (SHA-256 "
                + r.keyFingerprint().substring(0, 16) + "…) registered as ES256_PEM,");
        out.println("   with a config, in " + r.clientId().replaceAll("/devices/.*$", "") + ".");
        out.println();
        out.println("2. The broker");
        out.println("   A local IoT-Core-compatible bridge listens on 127.0.0.1:" + r.port()
                + ", TLS only, with its own"
                + " CA (made in " + r.stateDir() + ").");
        out.println("   It judges tokens as IoT Core did, and with --strict also refuses '=' padding.");
        out.println("   Outside the demo: iotjwt broker --device ID=PUBLIC_KEY.pem (see iotjwt broker --help).");
        out.println();
        out.println("3. The token: the device's MQTT password, minted from its private key");
        out.println("   header " + r.token().header());
        out.println("   claims " + r.token().claims() + "   (aud = project, lifetime 20 min)");
        out.println("   Outside the demo: iotjwt mint --key KEY.pem --project " + Demo.PROJECT);
        out.println();
        out.println("4. The device connects; iotjwt connect checks every layer on the way, then publishes one event");
        out.println("   and subscribes to the device's config:");
        out.println();
        new DiagnosisView(out).render(r.connect());
        out.println();
        out.println("5. What the broker saw");
        for (BrokerListener.Message m : r.received()) {
            out.println("   received on " + m.topic() + ": " + (m.payload() != null ? m.payload()
                    : "(binary) " + m.payloadBase64()));
        }
        if (r.received().isEmpty()) {
            out.println("   ✖ no telemetry event arrived");
        }
        List<BrokerListener.Event> log = r.brokerLog();
        for (BrokerListener.Event e : log) {
            if (!e.kind().equals("refused")) {
                out.println("   log: " + line(e));
            }
        }
        out.println();
        out.println("6. One failure, diagnosed: the same claims in a token made as the seed's firmware made it,");
        out.println("   base64 with '=' padding. IoT Core let it pass; strict bridges refuse it, and so does this");
        out.println("   broker under --strict:");
        out.println();
        new DiagnosisView(out).render(r.padded());
        for (BrokerListener.Event e : log) {
            if (e.kind().equals("refused")) {
                out.println("   broker log: " + line(e));
            }
        }
        out.println();
        if (r.ok()) {
            out.println("Demo OK: the device connected, published and received its config; the padded token was"
                    + " refused and diagnosed.");
            out.println("Next: iotjwt check TOKEN (what is wrong with a device's token), iotjwt connect --help,"
                    + " iotjwt broker --help.");
        } else {
            out.println("Demo FAILED: the flow above did not work on this machine; the step marked ✖ says why.");
        }
        out.println("The temporary folder, keys and broker are gone.");
    }

    private static String line(BrokerListener.Event e) {
        return DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.SECONDS)) + " " + e.kind() + " "
                + (e.device() == null ? "-" : e.device()) + (e.code() == null ? "" : " " + e.code()) + ": "
                + e.detail();
    }

    private static JsonObject json(Demo.Report r) {
        JsonObject o = new JsonObject();
        o.addProperty("ok", r.ok());
        o.addProperty("port", r.port());
        o.addProperty("clientId", r.clientId());
        o.addProperty("keyFingerprint", r.keyFingerprint());
        JsonObject token = new JsonObject();
        token.add("header", r.token().header());
        token.add("claims", r.token().claims());
        o.add("token", token);
        o.add("connect", tree(r.connect()));
        JsonArray received = new JsonArray();
        for (BrokerListener.Message m : r.received()) {
            JsonObject j = new JsonObject();
            j.addProperty("time", m.time().toString());
            j.addProperty("device", m.device());
            j.addProperty("topic", m.topic());
            j.addProperty("qos", m.qos());
            j.addProperty("payload", m.payload());
            j.addProperty("payloadBase64", m.payloadBase64());
            received.add(j);
        }
        o.add("received", received);
        o.addProperty("config", r.config());
        o.add("padded", tree(r.padded()));
        JsonArray log = new JsonArray();
        for (BrokerListener.Event e : r.brokerLog()) {
            JsonObject j = new JsonObject();
            j.addProperty("time", e.time().toString());
            j.addProperty("kind", e.kind());
            j.addProperty("device", e.device());
            j.addProperty("code", e.code());
            j.addProperty("detail", e.detail());
            log.add(j);
        }
        o.add("brokerLog", log);
        return o;
    }

    private static com.google.gson.JsonElement tree(Diagnosis d) {
        return com.google.gson.JsonParser.parseString(Json.write(d));
    }
}
