package dev.iotjwt.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;

import java.time.Instant;

/** The one JSON writer: records and Gson trees, pretty-printed, HTML characters left alone, times in ISO-8601. */
final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .registerTypeAdapter(Instant.class, (JsonSerializer<Instant>) (t, type, c) -> new JsonPrimitive(
                    t.toString())).create();

    private Json() {
    }

    static String write(Object value) {
        return GSON.toJson(value);
    }
}
