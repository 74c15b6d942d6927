package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The trust step with real certificates and a scripted server: what the chain says, and the follow-ups. */
class TrustStepTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);
    static TestPki pki;
    static TestPki other;

    final FakeNetwork net = new FakeNetwork();
    final FakeTime time = new FakeTime(Fixtures.NOW);
    final Requests req = new Requests();

    @BeforeAll
    static void pki() {
        pki = TestPki.ecRoot("Test Root R1", Fixtures.NOW);
        other = TestPki.ecRoot("Other Root", Fixtures.NOW);
    }

    Step.Outcome<Verified> run(TlsProbe.Result probe) {
        req.ca = new CaBundle(List.of(pki.root()), List.of("root.pem"), 600, List.of());
        net.time = time;
        return new TrustStep(req.context(net, time)).run(new Handshake(ADDRESS, probe));
    }

    static TlsSettings noSni() {
        return new TlsSettings(null, List.of(), List.of(), List.of(), List.of(), Fixtures.NOW);
    }

    @Test
    void aVerifiedChainHandsOverTheConnectionAndNamesItsAnchor() {
        Step.Outcome<Verified> o = run(FakeNetwork.handshakeOk(pki.leaf("broker.test").chain()));
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.result().summary()).isEqualTo("chain verifies, anchored at Test Root R1; the certificate names"
                + " broker.test (the host dialled), SNI sent: broker.test");
        assertThat(o.next().address()).isEqualTo(ADDRESS);
        assertThat(net.calls).isEmpty();
    }

    @Test
    void anUnknownRootNeverHandsOverAndProbesNothingWhenSniWasSent() {
        Step.Outcome<Verified> o = run(FakeNetwork.refused(other.leaf("broker.test").plus(other.root()).chain(),
                "PKIX path building failed"));
        assertThat(o.failed()).isTrue();
        assertThat(o.next()).isNull();
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("trust.unknown-ca");
        assertThat(o.result().summary()).contains("Other Root").contains("Test Root R1");
        assertThat(net.calls).isEmpty();
    }

    @Test
    void aDeviceWithoutSniGetsAnotherChainAndTheFollowUpWithSniVerifies() {
        req.tls = noSni();
        net.tls = s -> s.sni() != null ? FakeNetwork.handshakeOk(pki.leaf("broker.test").chain())
                : FakeNetwork.refused(other.leaf("default.test").chain(), "PKIX path building failed");
        Step.Outcome<Verified> o = run(FakeNetwork.refused(other.leaf("default.test").chain(),
                "PKIX path building failed"));
        assertThat(o.result().findings().get(0).code()).isEqualTo("tls.sni-missing");
        assertThat(o.result().findings().get(0).message()).isEqualTo("without SNI the server presents"
                + " 'default.test', with SNI broker.test a chain that verifies: the device does not send SNI");
        assertThat(o.result().facts()).containsEntry("follow-up: with SNI broker.test", "the chain verifies")
                .containsEntry("SNI sent", "none");
        assertThat(net.handshakes).extracting(TlsSettings::sni).containsExactly("broker.test");
    }

    @Test
    void toAnAddressTheNoSniPlaceholderSaysSniIsMissing() {
        req.host = "10.0.0.2";
        req.tls = noSni();
        Step.Outcome<Verified> o = run(FakeNetwork.refused(pki.leaf("invalid2.invalid").chain(), "No subject"
                + " alternative names matching IP address 10.0.0.2 found"));
        Finding first = o.result().findings().get(0);
        assertThat(first.code()).isEqualTo("tls.sni-missing");
        assertThat(first.message()).contains("placeholder 'invalid2.invalid'").contains("10.0.0.2 is an address");
        assertThat(net.calls).as("no SNI can be sent to an address: no follow-up").isEmpty();
    }

    @Test
    void aSniThatDiffersFromTheHostDoesNotChangeTheNameVerified() {
        req.tls = new TlsSettings("other.test", List.of(), List.of(), List.of(), List.of(), Fixtures.NOW);
        Step.Outcome<Verified> o = run(FakeNetwork.refused(pki.leaf("other.test").chain(), "No subject alternative"
                + " DNS name matching broker.test found"));
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("trust.hostname-mismatch");
        assertThat(f.message()).endsWith("(the name verified: the host dialled; SNI sent: other.test)");
        assertThat(f.hint()).contains("--verify-name");
    }

    @Test
    void aSchemeTheDeviceDoesNotOfferIsNotAnUnknownCa() {
        req.tls = new TlsSettings("broker.test", List.of(), List.of(), List.of(), List.of("rsa_pss_rsae_sha256"),
                Fixtures.NOW);
        net.tls = s -> s.schemes().isEmpty() ? FakeNetwork.handshakeOk(pki.leaf("broker.test").chain())
                : FakeNetwork.refused(List.of(), "no scheme");
        Step.Outcome<Verified> o = run(FakeNetwork.refused(pki.leaf("broker.test").chain(), "PKIX path building"
                + " failed"));
        assertThat(o.result().findings()).extracting(Finding::code).contains("tls.no-common-cipher")
                .doesNotContain("trust.unknown-ca");
        assertThat(o.result().findings().get(0).message()).contains("(rsa_pss_rsae_sha256)")
                .contains("'broker.test' (EC P-256)");
        assertThat(o.result().facts()).containsEntry("follow-up: the default signature schemes",
                "the chain verifies");
    }

    @Test
    void followUpsTheBoundLeavesNoTimeForAreNotTried() {
        req.tls = new TlsSettings(null, List.of(), List.of(), List.of(), List.of("ecdsa_secp256r1_sha256"),
                Fixtures.NOW);
        net.handshakeTakes = Duration.ofMillis(2950);
        net.tls = s -> FakeNetwork.refused(other.leaf("broker.test").chain(), "PKIX path building failed");
        Step.Outcome<Verified> o = run(FakeNetwork.refused(other.leaf("broker.test").chain(), "PKIX path building"
                + " failed"));
        assertThat(o.result().facts()).containsEntry("follow-up: with SNI broker.test", "still does not verify")
                .containsEntry("follow-up: the default signature schemes", "not tried: the trust step's bound of 3 s"
                        + " (--timeout) was used up");
        assertThat(net.handshakes).hasSize(1);
    }

    @Test
    void aHandshakeThatDidNotCompleteNeverPassesEvenWhenTheChainLooksRight() {
        Step.Outcome<Verified> o = run(new TlsProbe.Result(false, true, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                pki.leaf("broker.test").chain(), null, null, 1, null));
        assertThat(o.result().status()).isEqualTo(Status.FAIL);
        assertThat(o.next()).isNull();
        assertThat(o.result().findings()).extracting(Finding::message)
                .containsExactly("the server's chain did not verify");
    }
}
