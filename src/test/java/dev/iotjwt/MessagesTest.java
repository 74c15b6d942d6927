package dev.iotjwt;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** Token elision in quoted input: any JWT-shaped text loses its signature, other dotted text stays whole. */
class MessagesTest {
    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CLAIMS = b64("{\"iat\":1795600800,\"exp\":1795604400,\"aud\":\"my-project\"}");
    private static final String SIGNATURE = "Qk9HVVMtc2lnbmF0dXJl".repeat(5);

    @Test
    void aHeaderThatDoesNotStartWithEyIsElided() {
        for (String header : new String[] {" {\"alg\":\"ES256\"}", "\n{\"alg\":\"ES256\"}", "\t\t{ \"alg\":\"RS256\"}",
                "{\"alg\":\"ES256\"}"}) {
            String token = b64(header) + "." + CLAIMS + "." + SIGNATURE;
            String quoted = Messages.quoteElidingTokens("projects/p-" + token + "/devices/d", 2000);
            assertThat(quoted).as(header).doesNotContain(SIGNATURE)
                    .contains(token.substring(0, token.lastIndexOf('.')) + ".<signature elided>");
        }
    }

    @Test
    void longSegmentsShapedLikeAJwsAreElidedEvenWhenTheHeaderDoesNotDecode() {
        String token = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY." + CLAIMS + "." + SIGNATURE;
        assertThat(Messages.quoteElidingTokens(token, 2000)).doesNotContain(SIGNATURE);
    }

    @Test
    void hostNamesAndShortDottedTextStayWhole() {
        for (String s : new String[] {"europe-west1-mqtt.clearblade.com", "example01.mqtt.clearblade",
                "projects/p/locations/r/registries/g/devices/device-0001.v2.firmware", "exam0123.ab.cdefghijk"}) {
            assertThat(Messages.quoteElidingTokens(s, 2000)).isEqualTo(s);
        }
    }
}
