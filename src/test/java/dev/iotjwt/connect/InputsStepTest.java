package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.tls.CaBundle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InputsStepTest {
    final FakeNetwork net = new FakeNetwork();
    final Requests req = new Requests();

    Step.Outcome<String> run() {
        ConnectRequest r = req.build();
        return new InputsStep(new Context(r, net, new FakeTime(Fixtures.NOW))).run(r);
    }

    @Test
    void aGoodTokenPassesAndHandsOverTheHostWithoutTouchingTheNetwork() {
        Step.Outcome<String> o = run();
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.result().summary()).isEqualTo("token, client id and CA look right");
        assertThat(o.next()).isEqualTo("broker.test");
        assertThat(o.result().facts().get("token")).startsWith("given with --jwt: eyJ")
                .endsWith("….<signature elided>").doesNotContain(req.token.substring(req.token.lastIndexOf('.')));
        assertThat(o.result().facts().get("CA")).startsWith("the JDK's trust store");
        assertThat(net.calls).isEmpty();
    }

    @Test
    void aTokenProblemIsReportedAndTheConnectionTriedAnyway() {
        req.token = Requests.token(Requests.NOW - 7200, Requests.NOW - 3600);
        Step.Outcome<String> o = run();
        assertThat(o.result().status()).isEqualTo(Status.WARN);
        assertThat(o.result().findings()).extracting(Finding::code).contains("jwt.exp.expired")
                .doesNotContain("jwt.signature.unverified");
        assertThat(o.failed()).isFalse();
        assertThat(o.next()).isEqualTo("broker.test");
    }

    @Test
    void anUnusableCaFileFailsTheStep() {
        req.ca = new CaBundle(List.of(), List.of("empty.pem"), 0, List.of(Finding.error("ca.empty",
                "CA file empty.pem holds no certificate", null)));
        Step.Outcome<String> o = run();
        assertThat(o.failed()).isTrue();
        assertThat(o.next()).isNull();
        assertThat(o.result().summary()).isEqualTo("the CA file cannot be used");
        assertThat(o.result().facts().get("CA")).isEqualTo("empty.pem (0 certificates, 0 bytes)");
    }

    @Test
    void aMalformedClientIdIsAFinding() {
        req.clientId = "dev-1";
        Step.Outcome<String> o = run();
        assertThat(o.result().findings()).extracting(Finding::code).contains("clientid.malformed");
        assertThat(o.failed()).isFalse();
    }

    @Test
    void theSignatureIsElidedAndControlBytesEscaped() {
        assertThat(InputsStep.elide("not a token")).isEqualTo("<not a JWT>");
        assertThat(InputsStep.elide("a\u0000b.c.SIGNATURE")).isEqualTo("a\\x00b.c….<signature elided>");
    }
}
