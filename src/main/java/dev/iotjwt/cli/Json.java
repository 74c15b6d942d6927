package dev.iotjwt.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON writer: records and Gson trees, pretty-printed, HTML characters left alone. */
final class Json {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
            .create();

    private Json() {
    }

    static String write(Object value) {
        return GSON.toJson(value);
    }
}
