package dev.iotjwt.devices;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Cloud IoT Core v1 device manager REST API, called as a user would: one method per verb, the API's JSON as it
 * came or the failure in one line. Never follows a redirect (the bearer token stays with the host it was meant
 * for); every call is bounded by the timeout.
 */
public final class DeviceApiClient {
    /** The largest answer read: ten states of 64 KiB in base64 are under 1 MiB; a page of 1000 devices more. */
    static final int MAX_ANSWER = 32 << 20;
    /** The most pages a device list follows: 1000 devices a page. */
    private static final int MAX_PAGES = 1000;

    private final ApiEndpoint endpoint;
    private final Duration timeout;
    private final HttpClient http;

    public DeviceApiClient(ApiEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public ApiEndpoint endpoint() {
        return endpoint;
    }

    /** devices.create */
    public ApiResult create(NewDevice d) {
        JsonObject o = new JsonObject();
        o.addProperty("id", d.id());
        JsonObject pk = new JsonObject();
        pk.addProperty("format", d.credentialFormat());
        pk.addProperty("key", d.credentialPem());
        JsonObject c = new JsonObject();
        c.add("publicKey", pk);
        JsonArray creds = new JsonArray();
        creds.add(c);
        o.add("credentials", creds);
        if (d.config() != null) {
            JsonObject config = new JsonObject();
            config.addProperty("binaryData", Base64.getEncoder().encodeToString(d.config()));
            o.add("config", config);
        }
        if (d.blocked()) {
            o.addProperty("blocked", true);
        }
        if (!d.metadata().isEmpty()) {
            JsonObject md = new JsonObject();
            new java.util.TreeMap<>(d.metadata()).forEach(md::addProperty);
            o.add("metadata", md);
        }
        if (d.gatewayAuthMethod() != null) {
            JsonObject gc = new JsonObject();
            gc.addProperty("gatewayType", "GATEWAY");
            gc.addProperty("gatewayAuthMethod", d.gatewayAuthMethod());
            o.add("gatewayConfig", gc);
        }
        return call("POST", "/devices", o);
    }

    /**
     * devices.list, every page: the devices (with blocked and gatewayConfig) in one {@code {"devices": […]}}; with
     * {@code gatewayId}, the devices bound to that gateway.
     */
    public ApiResult list(String gatewayId) {
        JsonArray all = new JsonArray();
        String page = null;
        for (int i = 0; i < MAX_PAGES; i++) {
            String q = "?fieldMask=blocked,gatewayConfig&pageSize=1000"
                    + (gatewayId == null ? "" : "&gatewayListOptions.associationsGatewayId=" + query(gatewayId))
                    + (page == null ? "" : "&pageToken=" + query(page));
            ApiResult r = call("GET", "/devices" + q, null);
            if (!r.ok()) {
                return r;
            }
            if (r.json().has("devices") && r.json().get("devices").isJsonArray()) {
                all.addAll(r.json().getAsJsonArray("devices"));
            }
            JsonElement next = r.json().get("nextPageToken");
            if (next == null || !next.isJsonPrimitive() || next.getAsString().isEmpty()) {
                JsonObject o = new JsonObject();
                o.add("devices", all);
                return ApiResult.of(o);
            }
            page = next.getAsString();
        }
        return ApiResult.failed(0, null, "the device list goes on past " + MAX_PAGES + " pages", null);
    }

    /** devices.get */
    public ApiResult get(String device) {
        return call("GET", "/devices/" + segment(device), null);
    }

    /** devices.delete */
    public ApiResult delete(String device) {
        return call("DELETE", "/devices/" + segment(device), null);
    }

    /** devices.modifyCloudToDeviceConfig; {@code versionToUpdate} null for any version. */
    public ApiResult modifyConfig(String device, byte[] data, Long versionToUpdate) {
        JsonObject o = new JsonObject();
        if (versionToUpdate != null) {
            o.addProperty("versionToUpdate", Long.toString(versionToUpdate));
        }
        o.addProperty("binaryData", Base64.getEncoder().encodeToString(data));
        return call("POST", "/devices/" + segment(device) + ":modifyCloudToDeviceConfig", o);
    }

    /** devices.sendCommandToDevice; {@code subfolder} null for none. */
    public ApiResult sendCommand(String device, byte[] data, String subfolder) {
        JsonObject o = new JsonObject();
        o.addProperty("binaryData", Base64.getEncoder().encodeToString(data));
        if (subfolder != null) {
            o.addProperty("subfolder", subfolder);
        }
        return call("POST", "/devices/" + segment(device) + ":sendCommandToDevice", o);
    }

    /** devices.states.list, newest first; {@code num} null for all the API keeps. */
    public ApiResult states(String device, Integer num) {
        return call("GET", "/devices/" + segment(device) + "/states" + (num == null ? "" : "?numStates=" + num), null);
    }

    /** devices.configVersions.list, newest first; {@code num} null for all the API keeps. */
    public ApiResult configVersions(String device, Integer num) {
        return call("GET", "/devices/" + segment(device) + "/configVersions" + (num == null ? ""
                : "?numVersions=" + num), null);
    }

    /** registries.bindDeviceToGateway */
    public ApiResult bind(String device, String gateway) {
        return binding("bindDeviceToGateway", device, gateway);
    }

    /** registries.unbindDeviceFromGateway */
    public ApiResult unbind(String device, String gateway) {
        return binding("unbindDeviceFromGateway", device, gateway);
    }

    private ApiResult binding(String method, String device, String gateway) {
        JsonObject o = new JsonObject();
        o.addProperty("gatewayId", gateway);
        o.addProperty("deviceId", device);
        return call("POST", ":" + method, o);
    }

    /** One request to the registry's URL + {@code path}, its answer judged. */
    ApiResult call(String method, String path, JsonObject body) {
        URI uri = URI.create(endpoint.registry() + path);
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        if (body != null) {
            r.header("Content-Type", "application/json; charset=utf-8");
        }
        if (endpoint.token() != null) {
            r.header("Authorization", "Bearer " + endpoint.token());
        }
        String where = endpoint.registry().getScheme() + "://" + endpoint.registry().getRawAuthority();
        HttpResponse<byte[]> res;
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(r.build(),
                info -> new LimitedBody(MAX_ANSWER));
        try {
            // the request timeout ends at the answer's headers; the whole exchange, body included, is bounded here
            res = pending.get(timeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            return ApiResult.failed(0, null, "the device manager API at " + where + " did not answer within "
                    + seconds(), null);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            return ApiResult.failed(0, null, "interrupted while calling the device manager API", null);
        } catch (java.util.concurrent.ExecutionException wrapped) {
            Throwable e = wrapped.getCause();
            if (e instanceof HttpConnectTimeoutException) {
                return ApiResult.failed(0, null, "cannot reach the device manager API at " + where + ": no"
                        + " connection within " + seconds(), "check the URL and the network");
            }
            if (e instanceof HttpTimeoutException) {
                return ApiResult.failed(0, null, "the device manager API at " + where + " did not answer within "
                        + seconds(), null);
            }
            if (e instanceof ConnectException) {
                return ApiResult.failed(0, null, "cannot reach the device manager API at " + where + ": connection"
                        + " refused", endpoint.foundIn() != null ? "the bridge that wrote " + endpoint.foundIn()
                        + " is not answering: it stopped without removing it (killed?); start it again with"
                        + " --api-port" : ApiEndpoint.loopback(endpoint.registry().getHost())
                        ? "is the bridge running with --api-port, on this port?" : "check the URL and that the"
                        + " server is up");
            }
            if (e instanceof javax.net.ssl.SSLException) {
                return ApiResult.failed(0, null, "cannot reach the device manager API at " + where + ": TLS: "
                        + dev.iotjwt.Messages.cause(e), "https:// is checked against the JDK's trust store");
            }
            if (e instanceof LimitedBody.TooLarge) {
                return ApiResult.failed(0, null, "the answer of " + where + " is larger than " + (MAX_ANSWER >> 20)
                        + " MiB: not the device manager API's", null);
            }
            return ApiResult.failed(0, null, "cannot reach the device manager API at " + where + ": "
                    + dev.iotjwt.Messages.cause(e), null);
        }
        return judge(res.statusCode(), new String(res.body(), StandardCharsets.UTF_8), res.headers().firstValue(
                "Content-Type").orElse(""));
    }

    private ApiResult judge(int status, String text, String contentType) {
        JsonObject json = null;
        try {
            JsonElement e = JsonParser.parseString(text);
            json = e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (RuntimeException notJson) {
            // said below
        }
        if (status / 100 == 2 && json != null) {
            return ApiResult.of(json);
        }
        if (json != null && json.has("error") && json.get("error").isJsonObject()) {
            JsonObject err = json.getAsJsonObject("error");
            String code = string(err, "status");
            String message = string(err, "message");
            String hint = null;
            if (status == 401 && endpoint.token() == null) {
                hint = "this API requires a bearer token: give --api-token-file FILE (the file the bridge's"
                        + " --api-token-file reads)";
            }
            return ApiResult.failed(status, code == null ? "HTTP " + status : code, message == null ? "(no message)"
                    : message, hint);
        }
        return ApiResult.failed(status, "HTTP " + status, "the answer is not the device manager API's JSON"
                + (contentType.isEmpty() ? "" : " (" + dev.iotjwt.Messages.quote(contentType, 60) + ")"),
                "--api must be a registry's URL: http(s)://HOST:PORT/v1/projects/P/locations/R/registries/REGISTRY");
    }

    /** An answer's bytes, refused past {@code limit}: a server cannot make the client hold more. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        /** The answer went past the limit. */
        static final class TooLarge extends IOException {
            TooLarge() {
                super("answer too large");
            }
        }

        private final int limit;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final java.util.concurrent.CompletableFuture<byte[]> done =
                new java.util.concurrent.CompletableFuture<>();
        private java.util.concurrent.Flow.Subscription subscription;

        LimitedBody(int limit) {
            this.limit = limit;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            for (java.nio.ByteBuffer b : items) {
                if (bytes.size() + b.remaining() > limit) {
                    subscription.cancel();
                    done.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(bytes.toByteArray());
        }
    }

    private String seconds() {
        return timeout.toSeconds() + "s";
    }

    private static String string(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    /** A device id (IoT Core's letters, digits and - . _ + ~ %) or numeric id as one path segment. */
    static String segment(String id) {
        StringBuilder sb = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~+".indexOf(c) >= 0)) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The states or config versions of an answer, newest first as the API gives them. */
    public static List<JsonObject> items(JsonObject answer, String field) {
        List<JsonObject> out = new ArrayList<>();
        JsonElement e = answer == null ? null : answer.get(field);
        if (e != null && e.isJsonArray()) {
            for (JsonElement x : e.getAsJsonArray()) {
                if (x.isJsonObject()) {
                    out.add(x.getAsJsonObject());
                }
            }
        }
        return out;
    }
}
