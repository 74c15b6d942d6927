package dev.iotjwt.broker;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
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
import java.util.Set;

/**
 * A device registry in the shape of IoT Core's device resources as {@code gcloud iot devices describe --format=json}
 * printed them: {@code {"project", "region", "registry", "devices": [{"id", "numId", "blocked", "credentials":
 * [{"publicKey": {"format", "key"}, "expirationTime"}], "config": {...}, "metadata": {...}, "gatewayConfig":
 * {"gatewayType", "gatewayAuthMethod"}, "logLevel"}], "bindings": [{"gatewayId", "deviceId"}]}}. Immutable: the
 * bridge swaps in a new one when the device manager API changes a device.
 */
public record Registry(String project, String region, String registry, Map<String, Device> devices,
                       Set<Binding> bindings) {
    /** IoT Core kept at most three credentials per device. */
    public static final int MAX_CREDENTIALS = 3;
    /** The public key formats IoT Core took, by name, and their numbers in the API's enum. */
    public static final Map<String, Integer> KEY_FORMATS = Map.of("UNSPECIFIED_PUBLIC_KEY_FORMAT", 0, "RSA_X509_PEM",
            1, "ES256_PEM", 2, "RSA_PEM", 3, "ES256_X509_PEM", 4);
    /** IoT Core's gateway types and their numbers. */
    public static final Map<String, Integer> GATEWAY_TYPES = Map.of("GATEWAY_TYPE_UNSPECIFIED", 0, "GATEWAY", 1,
            "NON_GATEWAY", 2);
    /** IoT Core's gateway auth methods and their numbers. */
    public static final Map<String, Integer> GATEWAY_AUTH_METHODS = Map.of("GATEWAY_AUTH_METHOD_UNSPECIFIED", 0,
            "ASSOCIATION_ONLY", 1, "DEVICE_AUTH_TOKEN_ONLY", 2, "ASSOCIATION_AND_DEVICE_AUTH_TOKEN", 3);
    /** IoT Core's log levels and their numbers. */
    public static final Map<String, Integer> LOG_LEVELS = Map.of("LOG_LEVEL_UNSPECIFIED", 0, "NONE", 10, "ERROR", 20,
            "INFO", 30, "DEBUG", 40);

    public Registry {
        Map<String, Device> all = new LinkedHashMap<>();
        for (Device d : devices.values()) {
            all.put(d.id(), d.numId() != 0 ? d : d.withNumId(numIdOf(project, region, registry, d.id())));
        }
        devices = java.util.Collections.unmodifiableMap(all);
        bindings = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(bindings));
    }

    /** A registry without gateway bindings. */
    public Registry(String project, String region, String registry, Map<String, Device> devices) {
        this(project, region, registry, devices, Set.of());
    }

    /**
     * A registered device: its credentials, the config it starts with (or null), and what the device manager API
     * keeps about it.
     *
     * @param numId         IoT Core's numeric id; 0 asks the registry to assign one (stable for the device's name)
     * @param metadata      key-value pairs the API stores and never reads
     * @param gatewayConfig whether the device is a gateway and how devices behind it authenticate
     * @param logLevel      a LogLevel name, or null
     */
    public record Device(String id, long numId, boolean blocked, List<Credential> credentials, byte[] config,
                         Map<String, String> metadata, GatewayConfig gatewayConfig, String logLevel) {
        public Device {
            credentials = List.copyOf(credentials);
            metadata = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metadata));
            gatewayConfig = gatewayConfig == null ? GatewayConfig.NONE : gatewayConfig;
        }

        /** A device as the registry file and --device give it: no metadata, not a gateway. */
        public Device(String id, boolean blocked, List<Credential> credentials, byte[] config) {
            this(id, 0, blocked, credentials, config, Map.of(), GatewayConfig.NONE, null);
        }

        public Device withNumId(long n) {
            return new Device(id, n, blocked, credentials, config, metadata, gatewayConfig, logLevel);
        }

        public boolean gateway() {
            return "GATEWAY".equals(gatewayConfig.gatewayType());
        }
    }

    /**
     * A device's gateway settings as IoT Core named them.
     *
     * @param gatewayType       GATEWAY, NON_GATEWAY, or null (unspecified: not a gateway)
     * @param gatewayAuthMethod ASSOCIATION_ONLY, DEVICE_AUTH_TOKEN_ONLY, ASSOCIATION_AND_DEVICE_AUTH_TOKEN, or null
     */
    public record GatewayConfig(String gatewayType, String gatewayAuthMethod) {
        public static final GatewayConfig NONE = new GatewayConfig(null, null);
    }

    /** A device bound to a gateway (IoT Core's association), both by device id. */
    public record Binding(String gatewayId, String deviceId) {
    }

    /**
     * One public key credential; {@code expires} null means it never expires; {@code pem} is the key or certificate
     * as registered (what the API shows).
     */
    public record Credential(String format, VerifyKey key, Instant expires, String pem) {
        /** A credential whose text is the public key itself. */
        public Credential(String format, VerifyKey key, Instant expires) {
            this(format, key, expires, publicKeyPem(key.publicKey()));
        }

        public boolean expiredAt(Instant now) {
            return expires != null && !expires.isAfter(now);
        }
    }

    /** A public key as a PEM block (BEGIN PUBLIC KEY). */
    static String publicKeyPem(java.security.PublicKey key) {
        return pemBlock("PUBLIC KEY", key.getEncoded());
    }

    static String pemBlock(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    /**
     * A stable numeric id for a device: the same name gives the same id on every start, 16 digits as IoT Core's
     * were.
     */
    public static long numIdOf(String project, String region, String registry, String device) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest((project + "/" + region + "/"
                    + registry + "/" + device).getBytes(StandardCharsets.UTF_8));
            long v = java.nio.ByteBuffer.wrap(h).getLong() & Long.MAX_VALUE;
            return 1_000_000_000_000_000L + v % 9_000_000_000_000_000L;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The device with this id, or with this numeric id when {@code idOrNum} is all digits; null when none. */
    public Device find(String idOrNum) {
        Device d = devices.get(idOrNum);
        if (d != null || idOrNum.isEmpty() || !idOrNum.chars().allMatch(Character::isDigit) || idOrNum.length() > 19) {
            return d;
        }
        long n;
        try {
            n = Long.parseLong(idOrNum);
        } catch (NumberFormatException e) {
            return null;
        }
        for (Device x : devices.values()) {
            if (x.numId() == n) {
                return x;
            }
        }
        return null;
    }

    /** This registry with {@code device} added or put in place of the one of its id. */
    public Registry put(Device device) {
        Map<String, Device> all = new LinkedHashMap<>(devices);
        all.put(device.id(), device);
        return new Registry(project, region, registry, all, bindings);
    }

    /** This registry without the device and its bindings. */
    public Registry remove(String id) {
        Map<String, Device> all = new LinkedHashMap<>(devices);
        all.remove(id);
        Set<Binding> b = new java.util.LinkedHashSet<>(bindings);
        b.removeIf(x -> x.deviceId().equals(id) || x.gatewayId().equals(id));
        return new Registry(project, region, registry, all, b);
    }

    /** This registry with other bindings. */
    public Registry withBindings(Set<Binding> b) {
        return new Registry(project, region, registry, devices, b);
    }

    /** This registry with one more device. */
    public Registry with(Device device) throws InputException {
        if (devices.containsKey(device.id())) {
            throw new InputException("device '" + device.id() + "' is registered twice");
        }
        Map<String, Device> all = new LinkedHashMap<>(devices);
        all.put(device.id(), device);
        return new Registry(project, region, registry, all, bindings);
    }

    /**
     * A device registered with one key file: a public key or certificate, or a private key whose public half is
     * registered (the private key itself is never kept).
     */
    public static Device deviceOf(String id, Path keyFile, byte[] config) throws InputException {
        checkId(id, "device id");
        String where = "device '" + id + "': " + keyFile;
        KeyMaterial m = new KeyReader().read(keyFile, NO_PASSWORD).usable().get(0);
        java.security.PublicKey pub = m.publicHalf();
        if (pub == null) {
            throw new InputException(where + ": holds " + m.describe() + ", not a key to register");
        }
        requireRegistrable(m.type(), where);
        String format = (m.type().isRsa() ? "RSA" : "ES256") + (m.kind() == KeyMaterial.Kind.CERTIFICATE ? "_X509_PEM"
                : "_PEM");
        VerifyKey key = new VerifyKey(keyFile.toString(), m.type(), pub, null);
        Credential c;
        try {
            c = m.kind() == KeyMaterial.Kind.CERTIFICATE && m.certificate() != null ? new Credential(format, key, null,
                    pemBlock("CERTIFICATE", m.certificate().getEncoded())) : new Credential(format, key, null);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new InputException(where + ": cannot encode the certificate: " + dev.iotjwt.Messages.cause(e));
        }
        return new Device(id, false, List.of(c), config);
    }

    /**
     * Whether a key file given to {@link #deviceOf} holds a private key (whose public half is registered): the
     * command warns when such a file is open to other users.
     */
    public static boolean holdsPrivateKey(Path keyFile) {
        try {
            return new KeyReader().read(keyFile, NO_PASSWORD).usable().get(0).privateKey() != null;
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
            JsonElement e = JsonParser.parseString(new String(InputFiles.read(file, 256L << 20,
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
        java.util.Set<Binding> bindings = new java.util.LinkedHashSet<>();
        JsonElement b = root.get("bindings");
        if (b != null && !b.isJsonNull()) {
            if (!b.isJsonArray()) {
                throw new InputException(source + ": field 'bindings' must be an array of {gatewayId, deviceId}");
            }
            int i = 0;
            for (JsonElement e : b.getAsJsonArray()) {
                String where = source + ": bindings[" + i++ + "]";
                if (!e.isJsonObject()) {
                    throw new InputException(where + " is not an object {gatewayId, deviceId}");
                }
                String gw = string(e.getAsJsonObject(), "gatewayId", where, where);
                String dev = string(e.getAsJsonObject(), "deviceId", where, where);
                Device g = devices.get(gw);
                if (g == null || !g.gateway()) {
                    throw new InputException(where + ": gatewayId '" + shown(gw) + "' is not a gateway of the file");
                }
                if (!devices.containsKey(dev) || devices.get(dev).gateway()) {
                    throw new InputException(where + ": deviceId '" + shown(dev) + "' is not a non-gateway device of"
                            + " the file");
                }
                bindings.add(new Binding(gw, dev));
            }
        }
        return new Registry(project, region, registry, devices, bindings);
    }

    /**
     * A device resource as the device manager API's create request and the registry file give it: id, credentials,
     * blocked, config.binaryData, metadata, gatewayConfig, logLevel, numId (kept when the file has one). A bad field
     * is refused with {@code where} and the field named.
     */
    public static Device device(JsonObject d, String where) throws InputException {
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
        long numId = 0;
        JsonElement n = d.get("numId");
        if (n != null && !n.isJsonNull()) {
            try {
                numId = Long.parseLong(n.getAsString());
            } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
                throw new InputException(at + ": field 'numId' must be a number (int64 as a string)");
            }
            if (numId <= 0) {
                throw new InputException(at + ": field 'numId' must be positive");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonElement md = d.get("metadata");
        if (md != null && !md.isJsonNull()) {
            if (!md.isJsonObject()) {
                throw new InputException(at + ": field 'metadata' must be an object of string values");
            }
            for (Map.Entry<String, JsonElement> e : md.getAsJsonObject().entrySet()) {
                if (!METADATA_KEY.matcher(e.getKey()).matches()) {
                    throw new InputException(at + ": metadata key '" + shown(e.getKey()) + "' breaks IoT Core's rule"
                            + " [a-zA-Z][a-zA-Z0-9-_.+~%]+, under 128 bytes");
                }
                if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                    throw new InputException(at + ": metadata '" + e.getKey() + "' must be a string");
                }
                metadata.put(e.getKey(), e.getValue().getAsString());
            }
            if (metadata.size() > 500) {
                throw new InputException(at + ": has " + metadata.size() + " metadata pairs; IoT Core allowed 500");
            }
        }
        GatewayConfig gateway = GatewayConfig.NONE;
        JsonElement gc = d.get("gatewayConfig");
        if (gc != null && !gc.isJsonNull()) {
            if (!gc.isJsonObject()) {
                throw new InputException(at + ": field 'gatewayConfig' must be an object {gatewayType,"
                        + " gatewayAuthMethod}");
            }
            gateway = new GatewayConfig(enumName(gc.getAsJsonObject(), "gatewayType", GATEWAY_TYPES, at),
                    enumName(gc.getAsJsonObject(), "gatewayAuthMethod", GATEWAY_AUTH_METHODS, at));
        }
        String logLevel = enumName(d, "logLevel", LOG_LEVELS, at);
        return new Device(id, numId, blocked, List.copyOf(credentials), config, metadata, gateway, logLevel);
    }

    private static final java.util.regex.Pattern METADATA_KEY = java.util.regex.Pattern.compile(
            "[a-zA-Z][-a-zA-Z0-9_.+~%]{1,126}");

    /**
     * An enum field given by name or by number, as its name; null when absent or the unspecified value (0).
     */
    public static String enumName(JsonObject o, String field, Map<String, Integer> values, String where)
            throws InputException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            String v = e.getAsString();
            for (Map.Entry<String, Integer> x : values.entrySet()) {
                if (x.getKey().equals(v) || String.valueOf(x.getValue()).equals(v)) {
                    return x.getValue() == 0 ? null : x.getKey();
                }
            }
        }
        throw new InputException(where + ": field '" + field + "' is " + shown(e.toString()) + "; use one of "
                + String.join(", ", new java.util.TreeSet<>(values.keySet())));
    }

    private static Credential credential(JsonElement e, String where) throws InputException {
        if (!e.isJsonObject() || !e.getAsJsonObject().has("publicKey")
                || !e.getAsJsonObject().get("publicKey").isJsonObject()) {
            throw new InputException(where + ": needs a 'publicKey' object with 'format' and 'key'");
        }
        JsonObject pk = e.getAsJsonObject().getAsJsonObject("publicKey");
        String format = pk.has("format") && pk.get("format").isJsonPrimitive() && pk.getAsJsonPrimitive("format")
                .isNumber() ? enumName(pk, "format", KEY_FORMATS, where + ".publicKey") : string(pk, "format",
                where + ".publicKey", where);
        if (format == null || !List.of("RSA_PEM", "RSA_X509_PEM", "ES256_PEM", "ES256_X509_PEM").contains(format)) {
            throw new InputException(where + ": field 'publicKey.format' is '"
                    + shown(String.valueOf(format)) + "'; use RSA_PEM, RSA_X509_PEM, ES256_PEM or"
                    + " ES256_X509_PEM");
        }
        String pem = string(pk, "key", where + ".publicKey", where);
        List<KeyMaterial> read = new KeyReader().parse(pem.getBytes(StandardCharsets.UTF_8), where + ".publicKey.key",
                PasswordSource.NONE).usable();
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
        return new Credential(format, new VerifyKey(where, m.type(), m.publicKey(), null), expires, pem);
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
