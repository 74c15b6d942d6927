package dev.iotjwt.broker.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.broker.DeviceManager;
import dev.iotjwt.broker.DeviceManager.Code;
import dev.iotjwt.broker.DeviceManager.Refusal;
import dev.iotjwt.broker.DeviceStore;
import dev.iotjwt.broker.Registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The Cloud IoT Core v1 device manager methods, mapped from HTTP as the google.api.http annotations of
 * device_manager.proto map them: one request (method, path, query, body) in, one {@link Response} out. No Netty
 * here; {@link DeviceManagerApi} carries requests to it.
 */
final class ApiRoutes {
    /** An answer: the HTTP status and the JSON body. */
    record Response(int status, JsonObject body) {
    }

    /** A query string's parameters, each name with all its values in order. */
    record Query(Map<String, List<String>> params) {
        /** The one value of a parameter, by its JSON name or its proto (snake_case) name; null when absent. */
        String one(String name) {
            List<String> v = all(name);
            return v.isEmpty() ? null : v.get(v.size() - 1);
        }

        /** Every value, commas splitting a value as well (a field mask, repeated ids given as one list). */
        List<String> all(String name) {
            List<String> out = new ArrayList<>();
            for (String key : List.of(name, snake(name))) {
                for (String v : params.getOrDefault(key, List.of())) {
                    for (String part : v.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                }
            }
            return out;
        }
    }

    private final DeviceManager devices;

    ApiRoutes(DeviceManager devices) {
        this.devices = devices;
    }

    /** Answers one request; a refusal becomes Google's error body with its HTTP status. */
    CompletableFuture<Response> handle(String method, String path, Query query, byte[] body) {
        ApiJson json = new ApiJson(enumsAsInts(query));
        try {
            return route(method, path, query, body, json).exceptionally(ApiRoutes::failure);
        } catch (Refusal e) {
            return CompletableFuture.completedFuture(failure(e));
        } catch (InputException e) {
            return CompletableFuture.completedFuture(error(Code.INVALID_ARGUMENT, e.getMessage()));
        }
    }

    /** {@code $alt=json;enum-encoding=int} (Google's client libraries' REST transport) asks for enum numbers. */
    private static boolean enumsAsInts(Query q) {
        for (String key : List.of("$alt", "alt")) {
            for (String v : q.params().getOrDefault(key, List.of())) {
                if (v.replace(" ", "").contains("enum-encoding=int")) {
                    return true;
                }
            }
        }
        return false;
    }

    private CompletableFuture<Response> route(String method, String path, Query q, byte[] body, ApiJson json)
            throws Refusal, InputException {
        String[] s = path.split("/", -1);
        // "", v1, projects, P, locations, R, registries[, G[:verb], devices[, D[:verb], configVersions|states]]
        if (s.length < 7 || !s[0].isEmpty() || !s[1].equals("v1") || !s[2].equals("projects")
                || !s[4].equals("locations")) {
            throw notFound(path);
        }
        Registry r = devices.registry();
        boolean ours = s[3].equals(r.project()) && s[5].equals(r.region());
        if (s.length == 7 && s[6].equals("registries")) {
            require(method, "GET", path);
            JsonObject o = new JsonObject();
            if (ours) {
                JsonArray list = new JsonArray();
                list.add(json.registry(r));
                o.add("deviceRegistries", list);
            }
            return done(o);
        }
        if (!s[6].equals("registries") || s.length < 8) {
            throw notFound(path);
        }
        String[] reg = verb(s[7]);
        if (!ours || !reg[0].equals(r.registry())) {
            throw new Refusal(Code.NOT_FOUND, "The registry `" + String.join("/", java.util.Arrays.copyOfRange(s, 2,
                    8)).replaceFirst(":.*$", "") + "` does not exist.");
        }
        if (s.length == 8) {
            if (reg[1] == null) {
                require(method, "GET", path);
                return done(json.registry(r));
            }
            require(method, "POST", path);
            JsonObject b = object(body);
            String gateway = requiredString(b, "gatewayId");
            String device = requiredString(b, "deviceId");
            switch (reg[1]) {
                case "bindDeviceToGateway" -> devices.bind(gateway, device);
                case "unbindDeviceFromGateway" -> devices.unbind(gateway, device);
                default -> throw notFound(path);
            }
            return done(new JsonObject());
        }
        if (!s[8].equals("devices") || reg[1] != null) {
            throw notFound(path);
        }
        if (s.length == 9) {
            if (method.equals("GET")) {
                return done(list(r, q, json));
            }
            require(method, "POST", path);
            return done(create(object(body), json));
        }
        String[] named = verb(s[9]);
        if (s.length == 11 && named[1] == null) {
            require(method, "GET", path);
            Registry.Device d = devices.device(named[0]);
            DeviceStore.Activity a = devices.activity(d.id());
            JsonArray list = new JsonArray();
            JsonObject o = new JsonObject();
            switch (s[10]) {
                case "configVersions" -> {
                    int n = count(q, "numVersions");
                    for (DeviceStore.ConfigVersion c : a == null ? List.<DeviceStore.ConfigVersion>of() : a.configs()) {
                        if (n == 0 || list.size() < n) {
                            list.add(json.config(c));
                        }
                    }
                    o.add("deviceConfigs", list);
                }
                case "states" -> {
                    int n = count(q, "numStates");
                    for (DeviceStore.State st : a == null ? List.<DeviceStore.State>of() : a.states()) {
                        if (n == 0 || list.size() < n) {
                            list.add(json.state(st));
                        }
                    }
                    o.add("deviceStates", list);
                }
                default -> throw notFound(path);
            }
            return done(o);
        }
        if (s.length != 10) {
            throw notFound(path);
        }
        if (named[1] == null) {
            switch (method) {
                case "GET" -> {
                    Registry.Device d = devices.device(named[0]);
                    return done(json.device(devices.registry(), d, devices.activity(d.id()), fields(q, "fieldMask")));
                }
                case "PATCH" -> {
                    return done(patch(named[0], q, object(body), json));
                }
                case "DELETE" -> {
                    devices.delete(named[0]);
                    return done(new JsonObject());
                }
                default -> throw methodNotAllowed(method, path);
            }
        }
        require(method, "POST", path);
        JsonObject b = object(body);
        switch (named[1]) {
            case "modifyCloudToDeviceConfig" -> {
                long version = int64(b, "versionToUpdate");
                byte[] data = bytes(b, "binaryData", true);
                if (data.length > dev.iotjwt.broker.policy.DevicePolicy.MAX_STATE) {
                    throw new Refusal(Code.INVALID_ARGUMENT, "The config is " + data.length + " bytes; IoT Core took"
                            + " at most 64 KiB.");
                }
                return done(json.config(devices.modifyConfig(named[0], version, data)));
            }
            case "sendCommandToDevice" -> {
                byte[] data = bytes(b, "binaryData", true);
                String subfolder = b.has("subfolder") && !b.get("subfolder").isJsonNull() ? b.get("subfolder")
                        .getAsString() : "";
                if (subfolder.length() > 256 || subfolder.contains("+") || subfolder.contains("#")
                        || subfolder.indexOf('\0') >= 0) {
                    throw new Refusal(Code.INVALID_ARGUMENT, "The subfolder must have at most 256 characters and no"
                            + " MQTT wildcards ('+' or '#') or null characters.");
                }
                if (data.length > dev.iotjwt.broker.policy.DevicePolicy.MAX_TELEMETRY) {
                    throw new Refusal(Code.INVALID_ARGUMENT, "The command is " + data.length + " bytes; IoT Core took"
                            + " at most 256 KiB.");
                }
                return devices.sendCommand(named[0], subfolder.isEmpty() ? null : subfolder, data)
                        .thenApply(v -> new Response(200, new JsonObject()));
            }
            default -> throw notFound(path);
        }
    }

    private JsonObject list(Registry r, Query q, ApiJson json) throws Refusal {
        Set<String> ids = new LinkedHashSet<>(q.all("deviceIds"));
        Set<Long> nums = new LinkedHashSet<>();
        for (String n : q.all("deviceNumIds")) {
            try {
                nums.add(Long.parseUnsignedLong(n));
            } catch (NumberFormatException e) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Invalid value for deviceNumIds: '" + n + "'.");
            }
        }
        String type = q.one("gatewayListOptions.gatewayType");
        String byGateway = q.one("gatewayListOptions.associationsGatewayId");
        String byDevice = q.one("gatewayListOptions.associationsDeviceId");
        if ((type != null ? 1 : 0) + (byGateway != null ? 1 : 0) + (byDevice != null ? 1 : 0) > 1) {
            throw new Refusal(Code.INVALID_ARGUMENT, "Only one of gatewayType, associationsGatewayId and"
                    + " associationsDeviceId may be set in gatewayListOptions.");
        }
        String gatewayType = null;
        if (type != null) {
            JsonObject t = new JsonObject();
            t.addProperty("gatewayType", type);
            try {
                gatewayType = Registry.enumName(t, "gatewayType", Registry.GATEWAY_TYPES,
                        "gatewayListOptions");
            } catch (InputException e) {
                throw new Refusal(Code.INVALID_ARGUMENT, e.getMessage());
            }
        }
        String gatewayId = byGateway == null ? null : idOf(r, byGateway);
        String deviceId = byDevice == null ? null : idOf(r, byDevice);
        List<Registry.Device> matched = new ArrayList<>();
        for (Registry.Device d : r.devices().values()) {
            if (!ids.isEmpty() || !nums.isEmpty()) {
                if (!ids.contains(d.id()) && !nums.contains(d.numId())) {
                    continue;
                }
            }
            if ("GATEWAY".equals(gatewayType) && !d.gateway() || "NON_GATEWAY".equals(gatewayType) && d.gateway()) {
                continue;
            }
            if (byGateway != null && !r.bindings().contains(new Registry.Binding(gatewayId, d.id()))) {
                continue;
            }
            if (byDevice != null && !r.bindings().contains(new Registry.Binding(d.id(), deviceId))) {
                continue;
            }
            matched.add(d);
        }
        int start = 0;
        String token = q.one("pageToken");
        if (token != null && !token.isEmpty()) {
            try {
                start = Integer.parseInt(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Invalid page token.");
            }
        }
        int size = count(q, "pageSize");
        int end = size == 0 ? matched.size() : Math.min(matched.size(), start + size);
        Set<String> fields = fields(q, "fieldMask");
        JsonArray list = new JsonArray();
        for (int i = Math.min(start, matched.size()); i < end; i++) {
            Registry.Device d = matched.get(i);
            // without a field mask, the list gave id, name and numId only
            list.add(json.device(r, d, devices.activity(d.id()), fields.isEmpty() ? Set.of("id") : fields));
        }
        JsonObject o = new JsonObject();
        if (!list.isEmpty()) {
            o.add("devices", list);
        }
        if (end < matched.size()) {
            o.addProperty("nextPageToken", Base64.getUrlEncoder().withoutPadding().encodeToString(
                    Integer.toString(end).getBytes(StandardCharsets.UTF_8)));
        }
        return o;
    }

    /** A device id given by id or numeric id, as the id; a name of none stays as given (it matches nothing). */
    private static String idOf(Registry r, String idOrNum) {
        Registry.Device d = r.find(idOrNum);
        return d == null ? idOrNum : d.id();
    }

    private JsonObject create(JsonObject body, ApiJson json) throws Refusal, InputException {
        if (!body.has("id") || body.get("id").isJsonNull()) {
            throw new Refusal(Code.INVALID_ARGUMENT, "The device id is required.");
        }
        JsonElement config = body.get("config");
        if (config != null && config.isJsonObject() && config.getAsJsonObject().has("version")
                && int64(config.getAsJsonObject(), "version") != 0) {
            throw new Refusal(Code.INVALID_ARGUMENT, "The config version must be 0 on device creation.");
        }
        Registry.Device d = devices.create(Registry.device(body, "device"));
        return json.device(devices.registry(), d, devices.activity(d.id()), null);
    }

    /** The fields of a device an update mask may name, by JSON name. */
    private static final Set<String> MUTABLE = Set.of("credentials", "blocked", "metadata", "logLevel",
            "gatewayConfig.gatewayAuthMethod");

    private JsonObject patch(String idOrNum, Query q, JsonObject body, ApiJson json) throws Refusal {
        List<String> mask = new ArrayList<>();
        for (String f : q.all("updateMask")) {
            mask.add(camel(f));
        }
        if (mask.isEmpty()) {
            throw new Refusal(Code.INVALID_ARGUMENT, "The update mask must not be empty; mutable fields are"
                    + " credentials, blocked, metadata, logLevel and gatewayConfig.gatewayAuthMethod.");
        }
        for (String f : mask) {
            if (!MUTABLE.contains(f)) {
                throw new Refusal(Code.INVALID_ARGUMENT, "The update mask names '" + f + "', which is immutable or"
                        + " set by the server; mutable fields are credentials, blocked, metadata, logLevel and"
                        + " gatewayConfig.gatewayAuthMethod.");
            }
        }
        Registry.Device d = devices.update(idOrNum, old -> {
            JsonObject parsed = body.deepCopy();
            parsed.addProperty("id", old.id());
            parsed.remove("numId");
            parsed.remove("config");
            Registry.Device given;
            try {
                given = Registry.device(parsed, "device");
            } catch (InputException e) {
                throw new Refusal(Code.INVALID_ARGUMENT, e.getMessage());
            }
            Registry.GatewayConfig gc = mask.contains("gatewayConfig.gatewayAuthMethod")
                    ? new Registry.GatewayConfig(old.gatewayConfig().gatewayType(),
                    given.gatewayConfig().gatewayAuthMethod()) : old.gatewayConfig();
            return new Registry.Device(old.id(), old.numId(), mask.contains("blocked") ? given.blocked()
                    : old.blocked(), mask.contains("credentials") ? given.credentials() : old.credentials(),
                    old.config(), mask.contains("metadata") ? given.metadata() : old.metadata(), gc,
                    mask.contains("logLevel") ? given.logLevel() : old.logLevel());
        });
        return json.device(devices.registry(), d, devices.activity(d.id()), null);
    }

    /** A field mask's fields, as JSON names. */
    private static Set<String> fields(Query q, String param) throws Refusal {
        Set<String> out = new LinkedHashSet<>();
        for (String f : q.all(param)) {
            String c = camel(f);
            String top = c.contains(".") ? c.substring(0, c.indexOf('.')) : c;
            if (!ApiJson.DEVICE_FIELDS.contains(top)) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Invalid field mask: '" + f + "' is not a field of the"
                        + " device.");
            }
            out.add(top);
        }
        return out;
    }

    private static int count(Query q, String name) throws Refusal {
        String v = q.one(name);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refusal(Code.INVALID_ARGUMENT, "Invalid value for " + name + ": '" + v + "'.");
        }
    }

    private static JsonObject object(byte[] body) throws Refusal {
        if (body.length == 0) {
            return new JsonObject();
        }
        try {
            JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new Refusal(Code.INVALID_ARGUMENT, "Invalid JSON payload received: not an object.");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new Refusal(Code.INVALID_ARGUMENT, "Invalid JSON payload received.");
        }
    }

    private static String requiredString(JsonObject b, String field) throws Refusal {
        JsonElement e = b.get(field);
        if (e == null || !e.isJsonPrimitive() || e.getAsString().isEmpty()) {
            throw new Refusal(Code.INVALID_ARGUMENT, "The field '" + field + "' is required.");
        }
        return e.getAsString();
    }

    /** An int64 field, given as a JSON string (proto3 JSON) or number; 0 when absent. */
    private static long int64(JsonObject b, String field) throws Refusal {
        JsonElement e = b.get(field);
        if (e == null || e.isJsonNull()) {
            return 0;
        }
        try {
            return Long.parseLong(e.getAsString());
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException x) {
            throw new Refusal(Code.INVALID_ARGUMENT, "Invalid value at '" + field + "': not an int64.");
        }
    }

    /** A bytes field in base64 (the standard or the URL-safe alphabet, as proto3 JSON accepts). */
    private static byte[] bytes(JsonObject b, String field, boolean required) throws Refusal {
        JsonElement e = b.get(field);
        if (e == null || e.isJsonNull()) {
            if (required) {
                throw new Refusal(Code.INVALID_ARGUMENT, "The field '" + field + "' is required.");
            }
            return new byte[0];
        }
        String v = e.isJsonPrimitive() ? e.getAsString() : null;
        try {
            if (v == null) {
                throw new IllegalArgumentException();
            }
            return v.indexOf('-') >= 0 || v.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(v)
                    : Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException x) {
            throw new Refusal(Code.INVALID_ARGUMENT, "Invalid value at '" + field + "': not base64.");
        }
    }

    private static void require(String method, String expected, String path) throws Refusal {
        if (!method.equals(expected)) {
            throw methodNotAllowed(method, path);
        }
    }

    private static Refusal methodNotAllowed(String method, String path) {
        return new Refusal(Code.NOT_FOUND, "The method " + method + " is not served on " + path + ".");
    }

    private static Refusal notFound(String path) {
        return new Refusal(Code.NOT_FOUND, "No method of the Cloud IoT device manager is at " + path + ".");
    }

    /** The part before and after a ':verb' of a path segment (null when there is none). */
    private static String[] verb(String segment) {
        int i = segment.indexOf(':');
        return i < 0 ? new String[] {segment, null} : new String[] {segment.substring(0, i), segment.substring(i + 1)};
    }

    private static CompletableFuture<Response> done(JsonObject o) {
        return CompletableFuture.completedFuture(new Response(200, o));
    }

    private static Response failure(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (c instanceof Refusal r) {
            return error(r.code(), r.getMessage());
        }
        return error(Code.INTERNAL, "Internal error: " + dev.iotjwt.Messages.cause(c));
    }

    static Response error(Code code, String message) {
        int http = switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case INTERNAL -> 500;
        };
        return new Response(http, ApiJson.error(http, code.name(), message));
    }

    /** gatewayConfig.gateway_auth_method → gatewayConfig.gatewayAuthMethod. */
    static String camel(String s) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : s.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /** gatewayListOptions.gatewayType → gateway_list_options.gateway_type. */
    static String snake(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
