package dev.iotjwt.jwt;

import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What to mint.
 *
 * @param key       the device's private key
 * @param alg       RS256 or ES256, already checked against the key
 * @param audience  the aud claim: the cloud project id
 * @param issuedAt  the iat claim (whole seconds are used)
 * @param ttl       exp − iat
 * @param extra     further claims, in order; values are strings, numbers, booleans or Gson JSON elements
 */
public record MintRequest(PrivateKey key, JwtAlg alg, String audience, Instant issuedAt, Duration ttl,
                          Map<String, Object> extra) {
}
