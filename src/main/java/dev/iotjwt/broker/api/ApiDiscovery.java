package dev.iotjwt.broker.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * How a running bridge tells the command line where its device manager API is: {@code STATE_DIR/api.json}, the
 * registry's URL and whether a bearer token is required (never the token), written owner-only and atomically when
 * the API starts and removed when the bridge stops cleanly. Plain Java and Gson: reading it loads nothing of Netty.
 */
public final class ApiDiscovery {
    /** The file's name in the state folder. */
    public static final String FILE = "api.json";

    /** What the file says: the registry's URL ({@code http://HOST:PORT/v1/projects/P/locations/R/registries/G}). */
    public record Entry(String url, boolean tokenRequired) {
    }

    private ApiDiscovery() {
    }

    /** Writes {@code STATE_DIR/api.json} over any earlier one: a new owner-only file moved over the old. */
    public static void write(Path stateDir, Entry entry) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("url", entry.url());
        o.addProperty("tokenRequired", entry.tokenRequired());
        Path file = stateDir.resolve(FILE);
        Path tmp = stateDir.resolve(FILE + ".tmp-" + Long.toHexString(System.nanoTime()));
        try {
            dev.iotjwt.keys.SecretFiles.create(tmp, (o + "\n").getBytes(StandardCharsets.UTF_8));
            // a rename replaces a link planted under the file's name; it never writes through it
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes the file when it still names {@code entry} (a later bridge on the same folder keeps its own). */
    public static void remove(Path stateDir, Entry entry) {
        try {
            Entry now = read(stateDir);
            if (entry.equals(now)) {
                Files.deleteIfExists(stateDir.resolve(FILE));
            }
        } catch (IOException | RuntimeException e) {
            // best effort at stop: a file left behind names a port nothing answers on, which the client says
        }
    }

    /**
     * What {@code STATE_DIR/api.json} says, or null when there is none (no bridge with an API has run there, or it
     * stopped cleanly). A symbolic link or a file that is not the bridge's JSON is an IOException naming the file.
     */
    public static Entry read(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(file + ": is not a regular file (a link?); the bridge writes a plain file there");
        }
        if (Files.size(file) > 64 * 1024) {
            throw new IOException(file + ": is too large for the bridge's API file");
        }
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            JsonObject o = e.getAsJsonObject();
            String url = o.get("url").getAsString();
            return new Entry(url, o.has("tokenRequired") && o.get("tokenRequired").getAsBoolean());
        } catch (RuntimeException e) {
            throw new IOException(file + ": is not the bridge's API file (url, tokenRequired)");
        }
    }
}
