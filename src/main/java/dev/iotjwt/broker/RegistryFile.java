package dev.iotjwt.broker;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry as the device manager API left it, kept in the broker's state folder: the {@code gcloud iot devices
 * describe} shape of {@link Registry#load} (with numId, metadata, gatewayConfig, logLevel and bindings), each
 * device's kept config versions under {@code configVersions}. Written whole after every change: a temporary file,
 * owner-only from its first byte, then moved over the old one; a symbolic link is never followed.
 */
public final class RegistryFile {
    private RegistryFile() {
    }

    /** What a saved file holds: the registry and each device's config versions, newest first. */
    public record Saved(Registry registry, Map<String, List<DeviceStore.ConfigVersion>> configs) {
    }

    /** The file of one registry in a state folder. */
    public static Path of(Path stateDir, Registry r) {
        return stateDir.resolve("api-registry." + safe(r.project()) + "." + safe(r.region()) + "."
                + safe(r.registry()) + ".json");
    }

    /** A name as part of one file name: a '/' (or anything unusual) given in --project cannot leave the folder. */
    private static String safe(String name) {
        return java.net.URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Reads a saved registry; null when there is none. */
    public static Saved read(Path file) throws InputException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(null, file + ": is a symbolic link or not a regular file; the broker never"
                    + " reads its state through a link", "delete it, or give --state-dir a folder of your own", null);
        }
        Registry r = Registry.load(file);
        Map<String, List<DeviceStore.ConfigVersion>> configs = new LinkedHashMap<>();
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            for (JsonElement d : root.getAsJsonArray("devices")) {
                JsonObject o = d.getAsJsonObject();
                JsonElement versions = o.get("configVersions");
                if (versions == null || !versions.isJsonArray()) {
                    continue;
                }
                List<DeviceStore.ConfigVersion> list = new ArrayList<>();
                for (JsonElement v : versions.getAsJsonArray()) {
                    JsonObject c = v.getAsJsonObject();
                    list.add(new DeviceStore.ConfigVersion(Long.parseLong(c.get("version").getAsString()),
                            time(c, "cloudUpdateTime"), time(c, "deviceAckTime"), c.has("binaryData")
                            ? Base64.getDecoder().decode(c.get("binaryData").getAsString()) : new byte[0]));
                }
                configs.put(o.get("id").getAsString(), List.copyOf(list));
            }
        } catch (IOException | RuntimeException e) {
            throw new InputException(null, file + ": the device manager API's saved config versions do not read: "
                    + dev.iotjwt.Messages.cause(e), "delete the file to start from --registry and --device alone",
                    e);
        }
        return new Saved(r, configs);
    }

    private static Instant time(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? null : Instant.parse(e.getAsString());
    }

    /** Writes the registry and its devices' config versions over {@code file}, atomically. */
    public static void write(Path file, Registry r, Map<String, List<DeviceStore.ConfigVersion>> configs)
            throws IOException {
        JsonObject root = new JsonObject();
        root.addProperty("project", r.project());
        root.addProperty("region", r.region());
        root.addProperty("registry", r.registry());
        JsonArray devices = new JsonArray();
        for (Registry.Device d : r.devices().values()) {
            JsonObject o = new JsonObject();
            o.addProperty("id", d.id());
            o.addProperty("numId", Long.toString(d.numId()));
            o.addProperty("blocked", d.blocked());
            JsonArray creds = new JsonArray();
            for (Registry.Credential c : d.credentials()) {
                JsonObject pk = new JsonObject();
                pk.addProperty("format", c.format());
                pk.addProperty("key", c.pem());
                JsonObject co = new JsonObject();
                co.add("publicKey", pk);
                if (c.expires() != null) {
                    co.addProperty("expirationTime", c.expires().toString());
                }
                creds.add(co);
            }
            o.add("credentials", creds);
            List<DeviceStore.ConfigVersion> versions = configs.getOrDefault(d.id(), List.of());
            if (!versions.isEmpty()) {
                JsonObject config = new JsonObject();
                config.addProperty("version", Long.toString(versions.get(0).version()));
                config.addProperty("binaryData", Base64.getEncoder().encodeToString(versions.get(0).data()));
                o.add("config", config);
                JsonArray all = new JsonArray();
                for (DeviceStore.ConfigVersion v : versions) {
                    JsonObject c = new JsonObject();
                    c.addProperty("version", Long.toString(v.version()));
                    c.addProperty("cloudUpdateTime", v.cloudUpdateTime().toString());
                    if (v.deviceAckTime() != null) {
                        c.addProperty("deviceAckTime", v.deviceAckTime().toString());
                    }
                    c.addProperty("binaryData", Base64.getEncoder().encodeToString(v.data()));
                    all.add(c);
                }
                o.add("configVersions", all);
            }
            if (!d.metadata().isEmpty()) {
                JsonObject md = new JsonObject();
                d.metadata().forEach(md::addProperty);
                o.add("metadata", md);
            }
            if (!d.gatewayConfig().equals(Registry.GatewayConfig.NONE)) {
                JsonObject gc = new JsonObject();
                gc.addProperty("gatewayType", d.gatewayConfig().gatewayType());
                gc.addProperty("gatewayAuthMethod", d.gatewayConfig().gatewayAuthMethod());
                o.add("gatewayConfig", gc);
            }
            if (d.logLevel() != null) {
                o.addProperty("logLevel", d.logLevel());
            }
            devices.add(o);
        }
        root.add("devices", devices);
        JsonArray bindings = new JsonArray();
        for (Registry.Binding b : r.bindings()) {
            JsonObject o = new JsonObject();
            o.addProperty("gatewayId", b.gatewayId());
            o.addProperty("deviceId", b.deviceId());
            bindings.add(o);
        }
        root.add("bindings", bindings);
        byte[] bytes = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root)
                .getBytes(StandardCharsets.UTF_8);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        try {
            dev.iotjwt.keys.SecretFiles.create(tmp, bytes);
            // a rename replaces a link planted under the file's name; it never writes through it
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
