package dev.iotjwt.cli;

import com.google.gson.JsonObject;
import dev.iotjwt.broker.BrokerListener;
import dev.iotjwt.demo.Demo;
import dev.iotjwt.diagnose.Diagnosis;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The views of {@code demo}: the walk-through for people, and the record its JSON is. */
final class DemoView {
    private DemoView() {
    }

    /** The JSON shape of a demo run: what the report holds, the token as its header and claims only. */
    record JsonReport(boolean ok, int port, String clientId, String keyFingerprint, Token token, Diagnosis connect,
                List<BrokerListener.Message> received, String config, Demo.Live live, Diagnosis padded,
                List<BrokerListener.Event> brokerLog) {
        static JsonReport of(Demo.Report r) {
            return new JsonReport(r.ok(), r.port(), r.clientId(), r.keyFingerprint(), new Token(r.token().header(),
                    r.token().claims()), r.connect(), r.received(), r.config(), r.live(), r.padded(), r.brokerLog());
        }
    }

    /** The demo's token without the token itself. */
    record Token(JsonObject header, JsonObject claims) {
    }

    /** The text shown before the run starts (it takes seconds). */
    static void intro(PrintWriter out) {
        out.println("iotjwt demo: the whole flow on this machine, offline, with nothing to set up.");
        out.println("Making a device key, starting a local broker and connecting (a few seconds)...");
        out.println();
        out.flush();
    }

    static void text(Demo.Report r, PrintWriter out) {
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
        live(r.live(), out);
        out.println();
        out.println("7. One failure, diagnosed: the same claims in a token made as the seed's firmware made it,");
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
            out.println("Demo OK: the device connected, published, received its config, a new config and a command;"
                    + " the padded token was refused and diagnosed.");
            out.println("Next: iotjwt check TOKEN (what is wrong with a device's token), iotjwt connect --help,"
                    + " iotjwt broker --help.");
        } else {
            out.println("Demo FAILED: the flow above did not work on this machine; the step marked ✖ says why.");
        }
        out.println("The temporary folder, keys and broker are gone.");
    }

    private static void live(Demo.Live l, PrintWriter out) {
        out.println("6. The device connects again and stays; while it is connected the bridge sets a new config and");
        out.println("   sends it a command, as IoT Core's device manager did (iotjwt broker --api-port serves that");
        out.println("   API: docs/device-manager-api.md):");
        List<String> got = l.received();
        String[] what = {"the current config, sent on subscribing", "config version " + l.configVersion()
                + ", set while connected", "the command, sent while connected"};
        for (int i = 0; i < got.size(); i++) {
            out.println("   " + (l.ok() ? "✔" : "·") + " received " + got.get(i) + (i < what.length ? "  (" + what[i]
                    + ")" : ""));
        }
        if (!l.ok()) {
            out.println("   ✖ " + l.failure());
        }
    }

    private static String line(BrokerListener.Event e) {
        return DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.SECONDS)) + " " + e.kind() + " "
                + (e.device() == null ? "-" : e.device()) + (e.code() == null ? "" : " " + e.code()) + ": "
                + e.detail();
    }
}
