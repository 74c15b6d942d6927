package dev.iotjwt.jwt;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.util.Set;

/** Claim values given on the command line: JSON when the text is JSON, else a plain string. */
public final class ClaimValues {
    /** Claims the minter sets itself from --iat, --ttl and --project/--aud. */
    public static final Set<String> RESERVED = Set.of("iat", "exp", "aud");

    private ClaimValues() {
    }

    public static Object parse(String value) {
        try {
            JsonReader reader = new JsonReader(new StringReader(value));
            reader.setStrictness(Strictness.STRICT);
            JsonElement element = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                return value;
            }
            return element;
        } catch (RuntimeException | IOException e) {
            return value;
        }
    }
}
