package dev.iotjwt.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.iotjwt.devices.DeviceApiClient;
import dev.iotjwt.devices.DeviceKeys;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** The text view of the device manager API's answers: a device, a device list, states, config versions. */
final class DeviceView {
    private static final String NL = System.lineSeparator();

    private DeviceView() {
    }

    /** A device: ids, blocked, gateway, credentials, config and its acknowledgement, metadata, the last times. */
    static String device(JsonObject d) {
        StringBuilder sb = new StringBuilder();
        sb.append(dev.iotjwt.Messages.printable(orElse(str(d, "id"), "?"))).append("  numId ").append(orElse(
                str(d, "numId"), "?")).append(NL);
        line(sb, "blocked", bool(d, "blocked") ? "yes: its connections are refused" : "no");
        JsonObject gc = obj(d, "gatewayConfig");
        String type = str(gc, "gatewayType");
        line(sb, "gateway", "GATEWAY".equals(type) ? "yes, " + orElse(str(gc, "gatewayAuthMethod"),
                "no auth method") : "no");
        if (str(gc, "lastAccessedGatewayId") != null) {
            line(sb, "attached", "through gateway " + str(gc, "lastAccessedGatewayId") + " at "
                    + orElse(str(gc, "lastAccessedGatewayTime"), "?"));
        }
        List<JsonObject> creds = DeviceApiClient.items(d, "credentials");
        if (creds.isEmpty()) {
            line(sb, "credential", "none: the device cannot connect");
        }
        for (JsonObject c : creds) {
            JsonObject pk = obj(c, "publicKey");
            String expires = str(c, "expirationTime");
            String fp = DeviceKeys.fingerprint(str(pk, "key"));
            line(sb, "credential", orElse(str(pk, "format"), "?") + ", " + (expires == null
                    || expires.startsWith("1970-01-01T00:00:00") ? "no expiry" : "expires " + expires)
                    + (fp == null ? "" : ", public key SHA-256 " + fp));
        }
        JsonObject config = obj(d, "config");
        if (config != null && str(config, "version") != null) {
            line(sb, "config", "version " + str(config, "version") + ", set " + orElse(str(config, "cloudUpdateTime"),
                    "?") + ", " + (str(config, "deviceAckTime") == null ? "not acknowledged"
                    : "acknowledged " + str(config, "deviceAckTime")) + ": " + payload(str(config, "binaryData")));
        }
        JsonObject state = obj(d, "state");
        if (state != null && str(state, "updateTime") != null) {
            line(sb, "state", str(state, "updateTime") + ": " + payload(str(state, "binaryData")));
        }
        JsonObject md = obj(d, "metadata");
        if (md != null && !md.entrySet().isEmpty()) {
            StringBuilder m = new StringBuilder();
            for (Map.Entry<String, JsonElement> e : md.entrySet()) {
                m.append(m.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(
                        e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString());
            }
            line(sb, "metadata", m.toString());
        }
        if (str(d, "logLevel") != null) {
            line(sb, "log level", str(d, "logLevel"));
        }
        time(sb, d, "lastHeartbeatTime", "heartbeat");
        time(sb, d, "lastEventTime", "last event");
        time(sb, d, "lastStateTime", "last state");
        time(sb, d, "lastConfigSendTime", "config sent");
        time(sb, d, "lastConfigAckTime", "config acked");
        if (str(d, "lastErrorTime") != null) {
            JsonObject st = obj(d, "lastErrorStatus");
            line(sb, "last error", str(d, "lastErrorTime") + (st == null ? "" : ": " + orElse(str(st, "message"),
                    "code " + str(st, "code"))));
        }
        return sb.toString();
    }

    /** One device a line: id, numId, gateway and blocked marks. */
    static String list(JsonObject answer) {
        List<JsonObject> devices = DeviceApiClient.items(answer, "devices");
        if (devices.isEmpty()) {
            return "no devices" + NL;
        }
        int width = devices.stream().mapToInt(d -> orElse(str(d, "id"), "").length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (JsonObject d : devices) {
            JsonObject gc = obj(d, "gatewayConfig");
            sb.append(dev.iotjwt.Messages.printable(String.format("%-" + width + "s  %s", orElse(str(d, "id"), "?"),
                    orElse(str(d, "numId"), ""))));
            if ("GATEWAY".equals(str(gc, "gatewayType"))) {
                sb.append("  gateway (").append(orElse(str(gc, "gatewayAuthMethod"), "?")).append(')');
            }
            if (bool(d, "blocked")) {
                sb.append("  blocked");
            }
            sb.append(NL);
        }
        return sb.toString();
    }

    /** The states, newest first: the time and the payload. */
    static String states(JsonObject answer) {
        List<JsonObject> states = DeviceApiClient.items(answer, "deviceStates");
        if (states.isEmpty()) {
            return "no states: the device has not published to /devices/ID/state since the bridge started" + NL;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonObject s : states) {
            sb.append(orElse(str(s, "updateTime"), "?")).append("  ").append(payload(str(s, "binaryData")))
                    .append(NL);
        }
        return sb.toString();
    }

    /** The config versions, newest first: version, when set, when acknowledged, the payload. */
    static String configs(JsonObject answer) {
        List<JsonObject> configs = DeviceApiClient.items(answer, "deviceConfigs");
        if (configs.isEmpty()) {
            return "no config versions" + NL;
        }
        StringBuilder sb = new StringBuilder();
        for (JsonObject c : configs) {
            sb.append("version ").append(orElse(str(c, "version"), "?")).append("  set ")
                    .append(orElse(str(c, "cloudUpdateTime"), "?")).append("  ")
                    .append(str(c, "deviceAckTime") == null ? "not acknowledged" : "acknowledged "
                            + str(c, "deviceAckTime")).append("  ").append(payload(str(c, "binaryData"))).append(NL);
        }
        return sb.toString();
    }

    /** A config version just set. */
    static String configSet(String device, JsonObject c) {
        return device + ": config version " + orElse(str(c, "version"), "?") + " set " + orElse(str(c,
                "cloudUpdateTime"), "") + " (sent at once when the device is connected and subscribed)" + NL;
    }

    /**
     * A payload as text when it is printable UTF-8 (line breaks and tabs shown escaped), else as
     * {@code base64:…}; {@code (empty)} when there is none.
     */
    static String payload(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return "(empty)";
        }
        byte[] bytes;
        try {
            bytes = base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(base64)
                    : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return "base64:" + dev.iotjwt.Messages.printable(base64);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            boolean printable = text.chars().allMatch(c -> c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0)
                    || c == '\n' || c == '\r' || c == '\t');
            if (printable) {
                return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
            }
        } catch (CharacterCodingException binary) {
            // shown in base64 below
        }
        return "base64:" + Base64.getEncoder().encodeToString(bytes);
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append("  ").append(String.format("%-14s", label)).append(dev.iotjwt.Messages.printable(value)).append(NL);
    }

    private static void time(StringBuilder sb, JsonObject d, String field, String label) {
        if (str(d, field) != null) {
            line(sb, label, str(d, field));
        }
    }

    private static String orElse(String s, String other) {
        return s == null ? other : s;
    }

    static String str(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static boolean bool(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    private static JsonObject obj(JsonObject o, String field) {
        JsonElement e = o == null ? null : o.get(field);
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }
}
