package dev.iotjwt.jwt;

import com.google.gson.JsonObject;

/**
 * A minted token with its decoded header and claims, exactly as they stand in the token.
 */
public record MintedToken(String token, JsonObject header, JsonObject claims) {
}
