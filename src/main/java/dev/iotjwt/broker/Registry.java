package dev.iotjwt.broker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A device registry in the shape of IoT Core's device resources as {@code gcloud iot devices describe --format=json}
 * printed them: {@code {"project", "region", "registry", "devices": [{"id", "blocked", "credentials": [{"publicKey":
 * {"format", "key"}, "expirationTime"}], "config": {...}}]}}.
 */
public record Registry(String project, String region, String registry, Map<String, Device> devices) {
    /** IoT Core kept at most three credentials per device. */
    public static final int MAX_CREDENTIALS = 3;

    /** A registered device: its credentials and latest config payload (or null). */
    public record Device(String id, boolean blocked, List<Credential> credentials, byte[] config) {
    }

    /** One public key credential; {@code expires} null means it never expires. */
    public record Credential(String format, VerifyKey key, Instant expires) {
        public boolean expiredAt(Instant now) {
            return expires != null && !expires.isAfter(now);
        }
    }

    /** This registry with one more device. */
    public Registry with(Device device) throws InputException {
        if (devices.containsKey(device.id())) {
            throw new InputException("device '" + device.id() + "' is registered twice");
        }
        Map<String, Device> all = new LinkedHashMap<>(devices);
        all.put(device.id(), device);
        return new Registry(project, region, registry, all);
    }

    /**
     * A device registered with one key file: a public key or certificate, or a private key whose public half is
     * registered (the private key itself is never kept).
     */
    public static Device deviceOf(String id, Path keyFile, byte[] config) throws InputException {
        checkId(id, "device id");
        String where = "device '" + id + "': " + keyFile;
        KeyMaterial m = new KeyLoader().read(keyFile, NO_PASSWORD).get(0);
        java.security.PublicKey pub = KeyLoader.publicKeyOf(m);
        if (pub == null) {
            throw new InputException(where + ": holds " + m.describe() + ", not a key to register");
        }
        requireRegistrable(m.type(), where);
        String format = (m.type().isRsa() ? "RSA" : "ES256") + (m.kind() == KeyMaterial.Kind.CERTIFICATE ? "_X509_PEM"
                : "_PEM");
        Credential c = new Credential(format, new VerifyKey(keyFile.toString(), m.type(), pub, null), null);
        return new Device(id, false, List.of(c), config);
    }

    /**
     * Whether a key file given to {@link #deviceOf} holds a private key (whose public half is registered): the
     * command warns when such a file is open to other users.
     */
    public static boolean holdsPrivateKey(Path keyFile) {
        try {
            return new KeyLoader().read(keyFile, NO_PASSWORD).get(0).privateKey() != null;
        } catch (InputException e) {
            return false;
        }
    }

    /** The broker takes no key password: an encrypted private key is registered by its public half instead. */
    private static final PasswordSource NO_PASSWORD = new PasswordSource() {
        @Override
        public char[] password(String source) {
            return null;
        }

        @Override
        public String howToGive() {
            return "the broker takes no key password: register the public key instead (iotjwt key public FILE"
                    + " --out public.pem, then --device ID=public.pem)";
        }
    };

    /**
     * IoT Core's rule for a credential's key, the one minting and {@code key inspect} apply: RSA of at least 2048
     * bits (RS256) or EC P-256 (ES256); anything else is refused with {@code where} named.
     */
    static void requireRegistrable(dev.iotjwt.keys.KeyType type, String where) throws InputException {
        if (!type.isRsa() && !type.isP256()) {
            throw new InputException("key.unsupported", where + ": " + type.describe() + " is not a key IoT Core"
                    + " registers: use RSA (RS256) or P-256 (ES256)", null);
        }
        dev.iotjwt.jwt.JwtAlg.forKey(type, where).requireUsable(type, where);
    }

    /** Whether {@code id} keeps IoT Core's rule for device and registry ids. */
    public static boolean validId(String id) {
        return ID.matcher(id).matches() && !id.startsWith("goog");
    }

    /** IoT Core's rule for device and registry ids, as messages state it. */
    public static final String ID_RULE = "a letter, then 2-254 of letters, digits and - . _ + ~ %, not starting with"
            + " 'goog'";

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile(
            "[a-zA-Z][-a-zA-Z0-9._+~%]{2,254}");

    /** IoT Core's rule for registry and device ids; an id breaking it could not be a topic level either. */
    static void checkId(String id, String what) throws InputException {
        if (!validId(id)) {
            throw new InputException(what + " '" + shown(id) + "' breaks IoT Core's rule: " + ID_RULE);
        }
    }

    public String clientIdOf(String device) {
        return "projects/" + project + "/locations/" + region + "/registries/" + registry + "/devices/" + device;
    }

    /** Reads a registry file; a bad one is refused with the file, the device and the field named. */
    public static Registry load(Path file) throws InputException {
        String source = file.toString();
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(new String(KeyLoader.readFile(file, 256L << 20,
                    "a registry file"), StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new InputException(source + ": is not a JSON object", "see the registry format in the README");
            }
            root = e.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw new InputException(source + ": is not valid JSON: " + jsonProblem(e),
                    "see the registry format in the README");
        }
        String project = string(root, "project", source, source);
        String region = root.has("region") ? string(root, "region", source, source) : "us-central1";
        String registry = string(root, "registry", source, source);
        checkId(registry, source + ": field 'registry', registry id");
        Map<String, Device> devices = new LinkedHashMap<>();
        JsonElement list = root.get("devices");
        if (list == null || !list.isJsonArray()) {
            throw new InputException(source + ": field 'devices' must be an array of devices");
        }
        int index = 0;
        for (JsonElement d : list.getAsJsonArray()) {
            String where = source + ": devices[" + index++ + "]";
            if (!d.isJsonObject()) {
                throw new InputException(where + " is not an object");
            }
            Device device = device(d.getAsJsonObject(), where);
            if (devices.put(device.id(), device) != null) {
                throw new InputException(where + ": device id '" + device.id() + "' appears twice");
            }
        }
        return new Registry(project, region, registry, devices);
    }

    private static Device device(JsonObject d, String where) throws InputException {
        String id = string(d, "id", where, where);
        checkId(id, where + ": field 'id', device id");
        String at = where + " (device '" + id + "')";
        boolean blocked = bool(d, "blocked", at);
        List<Credential> credentials = new ArrayList<>();
        JsonElement creds = d.get("credentials");
        if (creds != null) {
            if (!creds.isJsonArray()) {
                throw new InputException(at + ": field 'credentials' must be an array");
            }
            JsonArray arr = creds.getAsJsonArray();
            if (arr.size() > MAX_CREDENTIALS) {
                throw new InputException(at + ": has " + arr.size() + " credentials; IoT Core allows at most "
                        + MAX_CREDENTIALS);
            }
            for (int i = 0; i < arr.size(); i++) {
                credentials.add(credential(arr.get(i), at + ": credentials[" + i + "]"));
            }
        }
        byte[] config = null;
        JsonElement c = d.get("config");
        if (c != null && !c.isJsonNull() && !c.isJsonObject()) {
            throw new InputException(at + ": field 'config' must be an object {\"version\", \"binaryData\"}");
        }
        JsonElement data = c == null || c.isJsonNull() ? null : c.getAsJsonObject().get("binaryData");
        if (data != null && !data.isJsonNull()) {
            if (!data.isJsonPrimitive() || !data.getAsJsonPrimitive().isString()) {
                throw new InputException(at + ": field 'config.binaryData' must be a base64 string");
            }
            try {
                config = Base64.getDecoder().decode(data.getAsString());
            } catch (IllegalArgumentException e) {
                throw new InputException(at + ": field 'config.binaryData' is not base64: "
                        + dev.iotjwt.Messages.cause(e));
            }
        }
        return new Device(id, blocked, List.copyOf(credentials), config);
    }

    private static Credential credential(JsonElement e, String where) throws InputException {
        if (!e.isJsonObject() || !e.getAsJsonObject().has("publicKey")
                || !e.getAsJsonObject().get("publicKey").isJsonObject()) {
            throw new InputException(where + ": needs a 'publicKey' object with 'format' and 'key'");
        }
        JsonObject pk = e.getAsJsonObject().getAsJsonObject("publicKey");
        String format = string(pk, "format", where + ".publicKey", where);
        if (!List.of("RSA_PEM", "RSA_X509_PEM", "ES256_PEM", "ES256_X509_PEM").contains(format)) {
            throw new InputException(where + ": field 'publicKey.format' is '"
                    + shown(format) + "'; use RSA_PEM, RSA_X509_PEM, ES256_PEM or"
                    + " ES256_X509_PEM");
        }
        String pem = string(pk, "key", where + ".publicKey", where);
        List<KeyMaterial> read = new KeyLoader().parse(pem.getBytes(StandardCharsets.UTF_8), where + ".publicKey.key",
                PasswordSource.NONE);
        KeyMaterial m = read.get(0);
        if (m.publicKey() == null || m.kind() == KeyMaterial.Kind.PRIVATE_KEY) {
            throw new InputException(where + ": field 'publicKey.key' holds " + m.describe() + "; register the"
                    + " public key or certificate, never the private key");
        }
        boolean x509 = format.endsWith("X509_PEM");
        if (x509 != (m.kind() == KeyMaterial.Kind.CERTIFICATE)) {
            throw new InputException(where + ": format " + format + " needs " + (x509 ? "an X.509 certificate"
                    : "a public key (BEGIN PUBLIC KEY)") + " but 'key' holds " + m.describe());
        }
        if (format.startsWith("RSA") != m.type().isRsa() || format.startsWith("ES256") && !m.type().isP256()) {
            throw new InputException(where + ": format " + format + " does not fit the key, " + m.type().describe());
        }
        requireRegistrable(m.type(), where + ": field 'publicKey.key'");
        Instant expires = null;
        JsonElement exp = e.getAsJsonObject().get("expirationTime");
        if (exp != null && !exp.isJsonNull()) {
            if (!exp.isJsonPrimitive() || !exp.getAsJsonPrimitive().isString()) {
                throw new InputException(where + ": field 'expirationTime' must be an RFC 3339 time string, such as"
                        + " 2030-01-01T00:00:00Z");
            }
            try {
                Instant t = Instant.parse(exp.getAsString());
                expires = t.equals(Instant.EPOCH) ? null : t;
            } catch (DateTimeParseException ex) {
                throw new InputException(where + ": field 'expirationTime' is not an RFC 3339 time: "
                        + shown(exp.getAsString()));
            }
        }
        return new Credential(format, new VerifyKey(where, m.type(), m.publicKey(), null), expires);
    }

    /**
     * Gson's message on one line, without its exception class, its advice to programmers and the JSON path (member
     * names of a damaged file can be anything, a pasted key included): line and column say where.
     */
    private static String jsonProblem(com.google.gson.JsonParseException e) {
        String m = String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                .replaceFirst("^[\\w.]+Exception: ", "")
                .replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
        int path = m.indexOf(" path $");
        return path < 0 ? m : m.substring(0, path);
    }

    /**
     * A value from the file that breaks a rule, as a message quotes it: on one line, and cut short, as it may be
     * anything (a pasted private key too); where in the file the message says.
     */
    private static String shown(String value) {
        return dev.iotjwt.Messages.quote(value, 16);
    }

    /** A true/false field; absent or null is false. */
    private static boolean bool(JsonObject o, String field, String where) throws InputException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new InputException(where + ": field '" + field + "' must be true or false, not "
                    + shown(e.toString()));
        }
        return e.getAsBoolean();
    }

    private static String string(JsonObject o, String field, String where, String context) throws InputException {
        JsonElement e = o.get(field);
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isBlank()) {
            throw new InputException(where + ": field '" + field + "' is missing or not a string");
        }
        return e.getAsString();
    }
}
