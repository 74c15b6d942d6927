package dev.iotjwt.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A token to judge.
 *
 * @param token   the token as the device made it (surrounding whitespace already trimmed or not: both work)
 * @param project the expected aud, or null to skip that rule
 * @param keys    keys to verify the signature with (the registry may hold several); may be empty
 * @param now     the time to judge iat and exp against
 * @param skew    the clock skew the bridge allows (IoT Core: 10 minutes)
 * @param strict  judge as strict successors do (padding and string claims are errors)
 */
public record CheckRequest(String token, String project, List<VerifyKey> keys, Instant now, Duration skew,
                           boolean strict) {
}
