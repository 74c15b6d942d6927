package dev.iotjwt.devices;

import com.google.gson.JsonObject;

/**
 * One answer of the device manager API: its JSON as it came, or why there is none: the API's error
 * ({@code status} is google.rpc's code, such as NOT_FOUND) or a transport failure ({@code status} null: refused,
 * timed out, not the API's JSON).
 */
public record ApiResult(JsonObject json, Failure failure) {
    /** Why the call failed, in one line, with what the user can do about it (or null). */
    public record Failure(int httpStatus, String status, String message, String hint) {
    }

    public boolean ok() {
        return failure == null;
    }

    static ApiResult of(JsonObject json) {
        return new ApiResult(json, null);
    }

    static ApiResult failed(int httpStatus, String status, String message, String hint) {
        return new ApiResult(null, new Failure(httpStatus, status, message, hint));
    }
}
