package dev.iotjwt.devices;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the device manager API is: a registry's URL
 * ({@code http(s)://HOST[:PORT]/v1/projects/P/locations/R/registries/G}) and the bearer token to send, or null. Plain HTTP goes to this machine only unless {@code insecureHttp}.
 * {@code foundIn} is the bridge's API file the URL was read from, or null when it was given.
 */
public record ApiEndpoint(URI registry, String token, boolean insecureHttp, java.nio.file.Path foundIn) {
    private static final Pattern SHAPE = Pattern.compile(
            "(?i)(https?)://([^/?#]+)(/(?:[^/?#]+/)*v1/projects/[^/?#]+/locations/[^/?#]+/registries/[^/?#:]+)/?");

    @Override
    public String toString() {
        // a record's own toString would carry the token
        return "ApiEndpoint[" + registry + (token == null ? "" : ", bearer token") + "]";
    }

    /**
     * Why {@code url} cannot be used as the registry's URL, or null when it can: the shape, and plain HTTP to a host
     * other than this machine without {@code insecureHttp}.
     */
    public static String problem(String url, boolean insecureHttp) {
        Matcher m = SHAPE.matcher(url);
        URI uri;
        try {
            uri = m.matches() ? new URI(url) : null;
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getUserInfo() != null) {
            return "'" + dev.iotjwt.Messages.quote(url, 200) + "' is not a registry's URL: give"
                    + " http(s)://HOST:PORT/v1/projects/P/locations/R/registries/REGISTRY";
        }
        if (m.group(1).toLowerCase(Locale.ROOT).equals("http") && !loopback(uri.getHost()) && !insecureHttp) {
            return "'" + dev.iotjwt.Messages.quote(url, 200) + "' is plain HTTP to " + uri.getHost() + ", which is not"
                    + " this machine: the bearer token and the devices' data would cross the network in the clear;"
                    + " use https://, or add --insecure-http to accept that";
        }
        return null;
    }

    /** Whether plain HTTP to {@code url}'s host leaves this machine (said as a warning with --insecure-http). */
    public boolean plainHttpOffMachine() {
        return registry.getScheme().equalsIgnoreCase("http") && !loopback(registry.getHost());
    }

    /** An endpoint for a URL that {@link #problem} accepted, without a trailing slash. */
    public static ApiEndpoint of(String url, String token, boolean insecureHttp) {
        return found(url, token, insecureHttp, null);
    }

    /** As {@link #of}, for a URL read from a bridge's API file. */
    static ApiEndpoint found(String url, String token, boolean insecureHttp, java.nio.file.Path file) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return new ApiEndpoint(URI.create(u), token, insecureHttp, file);
    }

    /** localhost and loopback address literals, judged without a DNS lookup. */
    static boolean loopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.matches("127(\\.\\d{1,3}){3}")
                || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
