package dev.iotjwt.devices;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.broker.api.ApiDiscovery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Finds the device manager API to call: the URL given, or the one a running bridge wrote to its state folder
 * ({@code STATE_DIR/api.json}); and reads the bearer token from its file.
 */
public final class ApiTargets {
    private ApiTargets() {
    }

    /** The endpoint found, or why none was (a result: exit 1, as for an API that does not answer). */
    public record Resolved(ApiEndpoint endpoint, ApiResult.Failure failure) {
    }

    /**
     * The endpoint of {@code url} (already accepted by {@link ApiEndpoint#problem}), or, when it is null, of the
     * bridge whose state folder is {@code stateDir}.
     */
    public static Resolved resolve(String url, Path stateDir, String token, boolean insecureHttp)
            throws InputException {
        if (url != null) {
            return new Resolved(ApiEndpoint.of(url, token, insecureHttp), null);
        }
        ApiDiscovery.Entry entry;
        try {
            entry = ApiDiscovery.read(stateDir);
        } catch (IOException e) {
            throw new InputException(null, "cannot read the bridge's API file: " + dev.iotjwt.Messages.cause(e),
                    "remove it and restart the bridge with --api-port, or give --api URL", e);
        }
        if (entry == null) {
            return new Resolved(null, new ApiResult.Failure(0, null, "no device manager API is running on the bridge"
                    + " of " + stateDir + " (no " + ApiDiscovery.FILE + " there)", "start the bridge with --api-port"
                    + " (iotjwt broker --api-port 0 …), name its state folder with --state-dir, or give --api URL"));
        }
        String problem = ApiEndpoint.problem(entry.url(), false);
        if (problem != null) {
            throw new InputException(stateDir.resolve(ApiDiscovery.FILE) + ": " + problem,
                    "remove the file and restart the bridge with --api-port, or give --api URL");
        }
        return new Resolved(ApiEndpoint.found(entry.url(), token, insecureHttp, stateDir.resolve(ApiDiscovery.FILE)),
                null);
    }

    /** The bearer token: the file's first line, trimmed; never shown in a message. */
    public static String token(Path file) throws InputException {
        byte[] bytes = InputFiles.read(file, 64 * 1024, "an API token file");
        String token = new String(bytes, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        if (token.isEmpty()) {
            throw new InputException("--api-token-file " + file + ": the first line is empty; put the token there");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InputException("--api-token-file " + file + ": the token has characters an HTTP header cannot"
                    + " carry (spaces, control or non-ASCII characters)");
        }
        return token;
    }
}
