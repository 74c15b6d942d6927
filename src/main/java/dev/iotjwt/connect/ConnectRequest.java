package dev.iotjwt.connect;

import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One diagnosed connection.
 *
 * @param profile      the profile name, or null
 * @param host         host name (or address) to dial
 * @param port         TCP port
 * @param ca           the roots to trust; null means the JDK's trust store
 * @param clientId     the MQTT client id
 * @param username     the MQTT user name (IoT Core ignores it; "unused")
 * @param token        the JWT password
 * @param tokenOrigin  where the token came from, for the report ("minted from key.pem", "given")
 * @param keys         keys to check the token's signature with (may be empty)
 * @param tls          SNI, versions, suites, the device's clock
 * @param timeout      the bound of every step
 * @param now          the time to judge the token at (the device's clock when given)
 * @param publishTopic topic to publish to, or null
 * @param payload      what to publish
 * @param subscribeTopic topic to subscribe to, or null
 * @param waitFor      how long to wait for messages after subscribing
 * @param stay         how long to stay connected as a device would (zero: do not stay)
 * @param freshToken   mints a new token for reconnects (null when the token was given, not minted)
 * @param tokenTtl     the lifetime of minted tokens, to refresh before they expire
 * @param publishEvery while staying, publish the payload this often (null: only once); {seq} in the payload is
 *                     replaced by the message's number
 */
public record ConnectRequest(String profile, String host, int port, CaBundle ca, String clientId, String username,
                             String token, String tokenOrigin, List<VerifyKey> keys, TlsSettings tls, Duration timeout,
                             Instant now, String publishTopic, String payload, String subscribeTopic, Duration waitFor, Duration stay,
                             java.util.function.Supplier<String> freshToken, Duration tokenTtl,
                             Duration publishEvery) {
}
