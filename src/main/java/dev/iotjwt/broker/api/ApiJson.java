package dev.iotjwt.broker.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.iotjwt.broker.DeviceStore;
import dev.iotjwt.broker.Registry;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The device manager's resources in the JSON of Google's REST reference (proto3 JSON of google.cloud.iot.v1):
 * camelCase names, int64 as strings, bytes in base64, timestamps in RFC 3339 UTC, enums by name or, when the
 * client asked with {@code $alt=json;enum-encoding=int}, by number; default values left out as proto3 JSON leaves
 * them.
 */
final class ApiJson {
    private final boolean enumsAsInts;

    ApiJson(boolean enumsAsInts) {
        this.enumsAsInts = enumsAsInts;
    }

    /** Every field of the Device resource, by its JSON name, for field masks. */
    static final Set<String> DEVICE_FIELDS = Set.of("id", "name", "numId", "credentials", "lastHeartbeatTime",
            "lastEventTime", "lastStateTime", "lastConfigAckTime", "lastConfigSendTime", "blocked", "lastErrorTime",
            "lastErrorStatus", "config", "state", "logLevel", "metadata", "gatewayConfig");

    static String deviceName(Registry r, Registry.Device d) {
        return registryName(r) + "/devices/" + d.numId();
    }

    static String registryName(Registry r) {
        return "projects/" + r.project() + "/locations/" + r.region() + "/registries/" + r.registry();
    }

    JsonObject registry(Registry r) {
        JsonObject o = new JsonObject();
        o.addProperty("id", r.registry());
        o.addProperty("name", registryName(r));
        o.add("eventNotificationConfigs", new JsonArray());
        o.add("stateNotificationConfig", new JsonObject());
        JsonObject mqtt = new JsonObject();
        enumValue(mqtt, "mqttEnabledState", "MQTT_ENABLED", 1);
        o.add("mqttConfig", mqtt);
        JsonObject http = new JsonObject();
        enumValue(http, "httpEnabledState", "HTTP_DISABLED", 2);
        o.add("httpConfig", http);
        return o;
    }

    /**
     * A device; {@code fields} null or empty gives every field, else only those (id, name and numId always, as the
     * list method did).
     */
    JsonObject device(Registry r, Registry.Device d, DeviceStore.Activity a, Set<String> fields) {
        JsonObject o = new JsonObject();
        o.addProperty("id", d.id());
        o.addProperty("name", deviceName(r, d));
        o.addProperty("numId", Long.toString(d.numId()));
        boolean all = fields == null || fields.isEmpty();
        if ((all || fields.contains("credentials")) && !d.credentials().isEmpty()) {
            JsonArray creds = new JsonArray();
            for (Registry.Credential c : d.credentials()) {
                JsonObject pk = new JsonObject();
                enumValue(pk, "format", c.format(), Registry.KEY_FORMATS.get(c.format()));
                pk.addProperty("key", c.pem());
                JsonObject co = new JsonObject();
                co.add("publicKey", pk);
                co.addProperty("expirationTime", time(c.expires() == null ? Instant.EPOCH : c.expires()));
                creds.add(co);
            }
            o.add("credentials", creds);
        }
        if (a != null) {
            timeField(o, fields, "lastHeartbeatTime", a.lastHeartbeatTime());
            timeField(o, fields, "lastEventTime", a.lastEventTime());
            timeField(o, fields, "lastStateTime", a.lastStateTime());
            timeField(o, fields, "lastConfigAckTime", a.lastConfigAckTime());
            timeField(o, fields, "lastConfigSendTime", a.lastConfigSendTime());
        }
        if ((all || fields.contains("blocked")) && d.blocked()) {
            o.addProperty("blocked", true);
        }
        if (a != null) {
            timeField(o, fields, "lastErrorTime", a.lastErrorTime());
            if ((all || fields.contains("lastErrorStatus")) && a.lastErrorStatus() != null) {
                JsonObject s = new JsonObject();
                s.addProperty("code", a.lastErrorStatus().code());
                s.addProperty("message", a.lastErrorStatus().message());
                o.add("lastErrorStatus", s);
            }
            if ((all || fields.contains("config")) && !a.configs().isEmpty()) {
                o.add("config", config(a.configs().get(0)));
            }
            if ((all || fields.contains("state")) && !a.states().isEmpty()) {
                o.add("state", state(a.states().get(0)));
            }
        }
        if ((all || fields.contains("logLevel")) && d.logLevel() != null) {
            enumValue(o, "logLevel", d.logLevel(), Registry.LOG_LEVELS.get(d.logLevel()));
        }
        if ((all || fields.contains("metadata")) && !d.metadata().isEmpty()) {
            JsonObject md = new JsonObject();
            for (Map.Entry<String, String> e : d.metadata().entrySet()) {
                md.addProperty(e.getKey(), e.getValue());
            }
            o.add("metadata", md);
        }
        if (all || fields.contains("gatewayConfig")) {
            JsonObject gc = new JsonObject();
            Registry.GatewayConfig g = d.gatewayConfig();
            if (g.gatewayType() != null) {
                enumValue(gc, "gatewayType", g.gatewayType(), Registry.GATEWAY_TYPES.get(g.gatewayType()));
            }
            if (g.gatewayAuthMethod() != null) {
                enumValue(gc, "gatewayAuthMethod", g.gatewayAuthMethod(), Registry.GATEWAY_AUTH_METHODS.get(
                        g.gatewayAuthMethod()));
            }
            if (a != null && a.lastAccessedGatewayId() != null) {
                gc.addProperty("lastAccessedGatewayId", a.lastAccessedGatewayId());
                gc.addProperty("lastAccessedGatewayTime", time(a.lastAccessedGatewayTime()));
            }
            o.add("gatewayConfig", gc);
        }
        return o;
    }

    JsonObject config(DeviceStore.ConfigVersion c) {
        JsonObject o = new JsonObject();
        o.addProperty("version", Long.toString(c.version()));
        o.addProperty("cloudUpdateTime", time(c.cloudUpdateTime()));
        if (c.deviceAckTime() != null) {
            o.addProperty("deviceAckTime", time(c.deviceAckTime()));
        }
        if (c.data().length > 0) {
            o.addProperty("binaryData", Base64.getEncoder().encodeToString(c.data()));
        }
        return o;
    }

    JsonObject state(DeviceStore.State s) {
        JsonObject o = new JsonObject();
        o.addProperty("updateTime", time(s.updateTime()));
        if (s.data().length > 0) {
            o.addProperty("binaryData", Base64.getEncoder().encodeToString(s.data()));
        }
        return o;
    }

    private void enumValue(JsonObject o, String field, String name, Integer number) {
        if (enumsAsInts && number != null) {
            o.addProperty(field, number);
        } else {
            o.addProperty(field, name);
        }
    }

    private static void timeField(JsonObject o, Set<String> fields, String field, Instant t) {
        if (t != null && (fields == null || fields.isEmpty() || fields.contains(field))) {
            o.addProperty(field, time(t));
        }
    }

    /** RFC 3339 in UTC with Z, with 0, 3, 6 or 9 fraction digits as proto3 JSON writes a Timestamp. */
    static String time(Instant t) {
        return java.time.format.DateTimeFormatter.ISO_INSTANT.format(t);
    }

    /** The error body Google's APIs answer with. */
    static JsonObject error(int http, String status, String message) {
        JsonObject e = new JsonObject();
        e.addProperty("code", http);
        e.addProperty("message", message);
        e.addProperty("status", status);
        JsonObject o = new JsonObject();
        o.add("error", e);
        return o;
    }
}
