package dev.iotjwt.connect;

import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.TokenForge;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;

import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** A connect request as the command would build it, with defaults a test changes one at a time. */
final class Requests {
    static final String CLIENT_ID = "projects/my-project/locations/us-central1/registries/reg-1/devices/dev-1";
    static final long NOW = Fixtures.NOW.getEpochSecond();

    String profile;
    String host = "broker.test";
    int port = 8883;
    CaBundle ca;
    String clientId = CLIENT_ID;
    String token = token(NOW, NOW + 3600);
    TlsSettings tls = new TlsSettings("broker.test", List.of(), List.of(), List.of(), List.of(), Fixtures.NOW);
    Duration timeout = Duration.ofSeconds(3);
    String publishTopic;
    String payload = "";
    String subscribeTopic;
    Duration waitFor = Duration.ZERO;
    Duration stay = Duration.ZERO;
    Supplier<String> freshToken;
    Duration tokenTtl = Duration.ofHours(1);
    Duration publishEvery;

    ConnectRequest build() {
        return new ConnectRequest(profile, host, port, ca, clientId, "unused", token, "given with --jwt", List.of(),
                tls, timeout, Fixtures.NOW, publishTopic, payload, subscribeTopic, waitFor, stay, freshToken, tokenTtl,
                publishEvery);
    }

    Context context(Network network, Time time) {
        return new Context(build(), network, time);
    }

    /** A well-formed ES256 token for my-project, signed with the P-256 fixture key. */
    static String token(long iat, long exp) {
        return TokenForge.es256(ecKey()).claims(iat, exp, "my-project").build();
    }

    static PrivateKey ecKey() {
        try {
            return new KeyReader().privateKey(Fixtures.key("p256_sec1.pem"), PasswordSource.NONE).privateKey();
        } catch (dev.iotjwt.InputException e) {
            throw new AssertionError(e);
        }
    }
}
