package dev.iotjwt.jwt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyLoader;
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

    private final SigningProviders providers = SigningProviders.probe();
    private final Map<String, Object> keys = new ConcurrentHashMap<>();
    private final Map<JwtAlg, FastJws> signers = new ConcurrentHashMap<>();

    public String provider() {
        return providers.describe();
    }

    /** Reads the batch: {@code id,key,project[,alg[,ttl]]} (a header line may name the columns) or JSON lines. */
    public static List<Device> parse(BufferedReader in, Path baseDir, String defaultProject) throws InputException {
        List<Device> out = new ArrayList<>();
        String[] columns = {"device", "key", "project", "alg", "ttl"};
        int n = 0;
        boolean headerAllowed = true;
        try {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("{")) {
                    headerAllowed = false;
                    out.add(json(n, line, baseDir, defaultProject));
                    continue;
                }
                String[] f = line.split(",", -1);
                for (int i = 0; i < f.length; i++) {
                    f[i] = unquote(f[i].strip());
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
                        baseDir, defaultProject));
            }
        } catch (IOException e) {
            throw new InputException("cannot read the batch: " + e.getMessage());
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static boolean isHeader(String[] f) {
        return f.length >= 2 && (f[0].equalsIgnoreCase("device") || f[0].equalsIgnoreCase("id"))
                && f[1].equalsIgnoreCase("key");
    }

    private static Device json(int n, String line, Path baseDir, String defaultProject) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) {
                return bad(n, null, "line " + n + " is not a JSON object");
            }
            JsonObject o = e.getAsJsonObject();
            return device(n, str(o, "device", str(o, "id", null)), str(o, "key", null), str(o, "project", null),
                    str(o, "alg", null), str(o, "ttl", null), baseDir, defaultProject);
        } catch (RuntimeException ex) {
            return bad(n, null, "line " + n + " is not valid JSON");
        }
    }

    private static String str(JsonObject o, String name, String otherwise) {
        JsonElement e = o.get(name);
        return e == null || e.isJsonNull() ? otherwise : e.getAsString();
    }

    private static Device device(int n, String id, String key, String project, String alg, String ttl, Path baseDir,
                                 String defaultProject) {
        if (id == null || id.isBlank()) {
            return bad(n, null, "line " + n + " has no device id");
        }
        if (key == null || key.isBlank()) {
            return bad(n, id, "line " + n + " has no key file");
        }
        String aud = project == null || project.isBlank() ? defaultProject : project;
        if (aud == null) {
            return bad(n, id, "line " + n + " has no project (and no --project was given)");
        }
        JwtAlg a = null;
        if (alg != null && !alg.isBlank()) {
            try {
                a = JwtAlg.valueOf(alg.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return bad(n, id, "line " + n + ": alg '" + alg + "' is not RS256 or ES256");
            }
        }
        Duration t = null;
        if (ttl != null && !ttl.isBlank()) {
            try {
                t = Times.parseDuration(ttl);
            } catch (IllegalArgumentException e) {
                return bad(n, id, "line " + n + ": ttl '" + ttl + "': " + e.getMessage());
            }
            if (t.isNegative() || t.isZero() || t.compareTo(Duration.ofHours(24)) > 0) {
                return bad(n, id, "line " + n + ": ttl '" + ttl + "' is not between 1 s and IoT Core's 24 h");
            }
        }
        Path p = Path.of(key);
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

    /** The key of a file, read and translated once; a file that fails fails every device that names it. */
    private Signer signer(Path file, PasswordSource passwords) throws InputException, GeneralSecurityException {
        String k = file.toAbsolutePath().normalize().toString();
        Object cached = keys.get(k);
        if (cached == null) {
            Object made;
            try {
                KeyMaterial m = new KeyLoader().readPrivateKey(file, passwords);
                JwtAlg alg = JwtAlg.forKey(m.type(), file.toString());
                made = new Signer(providers.translate(m.privateKey(), alg), alg, m);
            } catch (InputException e) {
                made = e;
            }
            cached = keys.putIfAbsent(k, made);
            if (cached == null) {
                cached = made;
            }
        }
        if (cached instanceof InputException e) {
            throw e;
        }
        return (Signer) cached;
    }
}
