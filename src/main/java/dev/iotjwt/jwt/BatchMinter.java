package dev.iotjwt.jwt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.time.Times;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Mints tokens for a fleet: one device per line (CSV or JSON lines), every core, results in input order, each key
 * file read and converted for the signing provider once. A bad line or key fails that device only.
 */
public final class BatchMinter {
    /** Devices in flight at once: bounds memory whatever the file's length. */
    private static final int WINDOW = 4096;
    /** Devices one task signs: few enough to spread over the cores, many enough that hand-offs cost nothing. */
    private static final int SLICE = 64;

    /**
     * One line of the batch file.
     *
     * @param line    the line number
     * @param device  the device id (or "line N" when the line has none)
     * @param key     the key file, or null when the line is bad
     * @param project the aud
     * @param alg     the algorithm, or null for the key's own
     * @param ttl     the lifetime, or null for the default
     * @param problem why the line cannot be used, or null
     */
    public record Device(int line, String device, Path key, String project, JwtAlg alg, Duration ttl,
                         String problem) {
    }

    /** The outcome for one device: a token, or a one-line error. */
    public record Result(String device, String token, String error) {
    }

    /** Where results go, in input order, from the calling thread. */
    public interface Sink {
        void result(Result result);

        void progress(int done);
    }

    /** Totals. */
    public record Summary(int devices, int minted, int failed, long millis, String provider) {
    }

    private final SigningProviders providers;

    public BatchMinter() {
        this(SigningProviders.probe());
    }

    /** With these providers (tests: the pure-Java fallback where the native provider loads). */
    BatchMinter(SigningProviders providers) {
        this.providers = providers;
    }
    private final Map<String, Object> keys = new ConcurrentHashMap<>();
    private final Map<JwtAlg, FastJws> signers = new ConcurrentHashMap<>();

    public String provider() {
        return providers.describe();
    }

    /**
     * What lines may leave out.
     *
     * @param project      the aud for lines without a project, or null
     * @param alg          the algorithm for lines without one, or null for the key's own
     * @param allowLongTtl whether a line's ttl may exceed IoT Core's 24 h
     */
    public record Defaults(String project, JwtAlg alg, boolean allowLongTtl) {
    }

    private static final java.util.Set<String> COLUMNS = java.util.Set.of("device", "id", "key", "project", "alg",
            "ttl");

    /**
     * Reads the batch: CSV ({@code device,key,project[,alg[,ttl]]}; RFC 4180 quoting; a first line naming columns is
     * a header; a UTF-8 byte-order mark is skipped) or JSON lines. Every problem of a line becomes that device's error.
     */
    public static List<Device> parse(BufferedReader in, Path baseDir, Defaults defaults) throws InputException {
        List<Device> out = new ArrayList<>();
        String[] columns = {"device", "key", "project", "alg", "ttl"};
        int n = 0;
        boolean headerAllowed = true;
        try {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                n++;
                String line = (n == 1 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("{")) {
                    headerAllowed = false;
                    out.add(json(n, line, baseDir, defaults));
                    continue;
                }
                String[] f = csv(line);
                if (f == null) {
                    out.add(bad(n, null, "line " + n + ": an unterminated quote"));
                    headerAllowed = false;
                    continue;
                }
                boolean first = headerAllowed;
                headerAllowed = false;
                if (first && isHeader(f)) {
                    columns = new String[f.length];
                    for (int i = 0; i < f.length; i++) {
                        columns[i] = f[i].toLowerCase(Locale.ROOT).equals("id") ? "device"
                                : f[i].toLowerCase(Locale.ROOT);
                    }
                    continue;
                }
                java.util.Map<String, String> v = new java.util.HashMap<>();
                for (int i = 0; i < f.length && i < columns.length; i++) {
                    v.put(columns[i], f[i]);
                }
                out.add(device(n, v.get("device"), v.get("key"), v.get("project"), v.get("alg"), v.get("ttl"),
                        baseDir, defaults));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputException("line " + (n + 1) + " is not UTF-8 text", "save the batch as UTF-8 (CSV or JSON"
                    + " lines)");
        } catch (IOException e) {
            throw new InputException("cannot read: " + dev.iotjwt.Messages.cause(e));
        }
        return out;
    }

    /** One CSV record (RFC 4180: fields may be quoted, "" is a quote inside quotes), or null when a quote is open. */
    static String[] csv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"' && f.toString().isBlank()) {
                quoted = true;
                f.setLength(0);
            } else if (c == ',') {
                fields.add(f.toString().strip());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        fields.add(f.toString().strip());
        return fields.toArray(String[]::new);
    }

    /** A first line is a header when it names a known column and names no unknown one. */
    private static boolean isHeader(String[] f) {
        boolean known = false;
        for (String cell : f) {
            String c = cell.toLowerCase(Locale.ROOT);
            if (COLUMNS.contains(c)) {
                known = true;
            } else if (!c.isEmpty()) {
                return false;
            }
        }
        return known;
    }

    private static Device json(int n, String line, Path baseDir, Defaults defaults) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                return bad(n, null, "line " + n + " is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (RuntimeException ex) {
            return bad(n, null, "line " + n + " is not valid JSON");
        }
        try {
            return device(n, str(o, "device", str(o, "id", null)), str(o, "key", null), str(o, "project", null),
                    str(o, "alg", null), str(o, "ttl", null), baseDir, defaults);
        } catch (IllegalStateException | UnsupportedOperationException ex) {
            return bad(n, null, "line " + n + ": device, id, key, project, alg and ttl must be JSON strings");
        }
    }

    private static String str(JsonObject o, String name, String otherwise) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? otherwise : e.getAsString();
    }

    private static Device device(int n, String id, String key, String project, String alg, String ttl, Path baseDir,
                                 Defaults defaults) {
        if (id == null || id.isBlank()) {
            return bad(n, null, "line " + n + " has no device id");
        }
        if (!id.codePoints().allMatch(c -> c > 0x20 && c != 0x7f)) {
            return bad(n, null, "line " + n + ": the device id has a space or control character; output lines are"
                    + " 'DEVICE TOKEN'");
        }
        if (key == null || key.isBlank()) {
            return bad(n, id, "line " + n + " has no key file");
        }
        String aud = project == null || project.isBlank() ? defaults.project() : project;
        if (aud == null) {
            return bad(n, id, "line " + n + " has no project (and no --project was given)");
        }
        JwtAlg a = defaults.alg();
        if (alg != null && !alg.isBlank()) {
            try {
                a = JwtAlg.valueOf(alg.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return bad(n, id, "line " + n + ": alg '" + dev.iotjwt.Messages.quote(alg, 40)
                        + "' is not RS256 or ES256");
            }
        }
        Duration t = null;
        if (ttl != null && !ttl.isBlank()) {
            try {
                t = Times.parseDuration(ttl);
            } catch (IllegalArgumentException e) {
                return bad(n, id, "line " + n + ": ttl '" + dev.iotjwt.Messages.quote(ttl, 40) + "': "
                        + dev.iotjwt.Messages.cause(e));
            }
            if (t.isNegative() || t.isZero() || t.compareTo(Duration.ofHours(24)) > 0 && !defaults.allowLongTtl()) {
                return bad(n, id, "line " + n + ": ttl '" + dev.iotjwt.Messages.quote(ttl, 40)
                        + "' is not between 1 s and IoT Core's 24 h");
            }
        }
        Path p;
        try {
            p = Path.of(key);
        } catch (java.nio.file.InvalidPathException e) {
            return bad(n, id, "line " + n + ": the key path is not a file name: " + e.getReason());
        }
        return new Device(n, id, baseDir != null && !p.isAbsolute() ? baseDir.resolve(p) : p, aud, a, t, null);
    }

    private static Device bad(int n, String id, String problem) {
        return new Device(n, id != null ? id : "line " + n, null, null, null, null, problem);
    }

    /** Mints every device on {@code threads} threads, handing results to {@code sink} in input order. */
    public Summary mint(List<Device> devices, Instant now, Duration defaultTtl, int threads, PasswordSource passwords,
                        Sink sink) throws InterruptedException {
        long start = System.nanoTime();
        int ok = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "iotjwt-mint");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int from = 0; from < devices.size(); from += WINDOW) {
                List<Future<Result[]>> window = new ArrayList<>();
                int to = Math.min(devices.size(), from + WINDOW);
                for (int slice = from; slice < to; slice += SLICE) {
                    List<Device> part = devices.subList(slice, Math.min(to, slice + SLICE));
                    window.add(pool.submit(() -> {
                        Result[] out = new Result[part.size()];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = one(part.get(i), now, defaultTtl, passwords);
                        }
                        return out;
                    }));
                }
                int done = from;
                for (Future<Result[]> f : window) {
                    Result[] results;
                    try {
                        results = f.get();
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("a signing thread failed", e.getCause());
                    }
                    for (Result r : results) {
                        if (r.token() != null) {
                            ok++;
                        }
                        sink.result(r);
                    }
                    done += results.length;
                    sink.progress(done);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(devices.size(), ok, devices.size() - ok, (System.nanoTime() - start) / 1_000_000,
                providers.describe());
    }

    private record Signer(PrivateKey key, JwtAlg alg, KeyMaterial material) {
    }

    private Result one(Device d, Instant now, Duration defaultTtl, PasswordSource passwords) {
        if (d.problem() != null) {
            return new Result(d.device(), null, d.problem());
        }
        try {
            Signer s = signer(d.key(), passwords);
            JwtAlg alg = d.alg() != null ? d.alg() : s.alg();
            alg.requireUsable(s.material().type(), d.key().toString());
            PrivateKey key = alg == s.alg() ? s.key() : s.material().privateKey();
            long iat = now.getEpochSecond();
            long exp = iat + (d.ttl() != null ? d.ttl() : defaultTtl).getSeconds();
            String token = signers.computeIfAbsent(alg, a -> new FastJws(providers.forAlg(a)))
                    .compact(alg, key, d.project(), iat, exp);
            return new Result(d.device(), token, null);
        } catch (InputException e) {
            return new Result(d.device(), null, e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            return new Result(d.device(), null, "cannot sign: " + e.getMessage());
        }
    }

    /** The key of a file, read and translated once (other threads wait); a file that fails fails every device. */
    private Signer signer(Path file, PasswordSource passwords) throws InputException {
        String k = file.toAbsolutePath().normalize().toString();
        Object cached = keys.computeIfAbsent(k, x -> {
            try {
                KeyMaterial m = new KeyReader().privateKey(file, passwords);
                JwtAlg alg = JwtAlg.forKey(m.type(), file.toString());
                return new Signer(providers.translate(m.privateKey(), alg), alg, m);
            } catch (InputException e) {
                return e;
            } catch (GeneralSecurityException e) {
                return new InputException(file + ": cannot prepare the key for signing: " + e.getMessage());
            }
        });
        if (cached instanceof InputException e) {
            throw e;
        }
        return (Signer) cached;
    }
}
