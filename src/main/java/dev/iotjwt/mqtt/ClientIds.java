package dev.iotjwt.mqtt;

import dev.iotjwt.diagnose.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IoT Core client ids and topics: {@code projects/P/locations/R/registries/G/devices/D}. */
public final class ClientIds {
    private static final Pattern CLIENT_ID =
            Pattern.compile("projects/([^/]+)/locations/([^/]+)/registries/([^/]+)/devices/([^/]+)");
    private static final Pattern ID = Pattern.compile("[a-zA-Z][-a-zA-Z0-9._+~%]{2,254}");

    private ClientIds() {
    }

    /** The parts of a client id, or null when it is not in IoT Core's form. */
    public record Parts(String project, String region, String registry, String device) {
    }

    public static String of(String project, String region, String registry, String device) {
        return "projects/" + project + "/locations/" + region + "/registries/" + registry + "/devices/" + device;
    }

    /**
     * A client id fit to quote in a message: at most 600 characters (IoT Core's longest is about 580), control
     * characters shown as {@code \xNN}, a token pasted into it without its signature.
     */
    public static String quote(String clientId) {
        return dev.iotjwt.Messages.quoteElidingTokens(clientId, 600);
    }

    public static Parts parse(String clientId) {
        Matcher m = CLIENT_ID.matcher(clientId);
        return m.matches() ? new Parts(m.group(1), m.group(2), m.group(3), m.group(4)) : null;
    }

    /** clientid.malformed findings: the shape, and registry and device ids by IoT Core's rules. */
    public static List<Finding> check(String clientId) {
        List<Finding> out = new ArrayList<>();
        Parts p = parse(clientId);
        if (p == null) {
            out.add(Finding.warning("clientid.malformed", "client id '" + quote(clientId) + "' is not"
                    + " projects/P/locations/R/registries/G/devices/D", "build it from the project, region, registry"
                    + " and device ids (or use --project --region --registry --device)"));
            return out;
        }
        for (String[] id : new String[][] {{"registry", p.registry()}, {"device", p.device()}}) {
            if (!ID.matcher(id[1]).matches() || id[1].startsWith("goog")) {
                out.add(Finding.warning("clientid.malformed", "the " + id[0] + " id '" + quote(id[1])
                        + "' breaks IoT Core's rule: a letter, then 2-254 of letters, digits and - . _ + ~ %, not"
                        + " starting with 'goog'",
                        "use the " + id[0] + " id exactly as registered"));
            }
        }
        return out;
    }

    public static String eventsTopic(String device) {
        return "/devices/" + device + "/events";
    }

    public static String stateTopic(String device) {
        return "/devices/" + device + "/state";
    }

    public static String configTopic(String device) {
        return "/devices/" + device + "/config";
    }

    public static String commandsTopic(String device) {
        return "/devices/" + device + "/commands/#";
    }
}
