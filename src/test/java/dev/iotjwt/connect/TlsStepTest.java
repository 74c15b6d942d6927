package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The tls step and its follow-up probes, with a scripted server: which one change makes the handshake work. */
class TlsStepTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);

    final FakeNetwork net = new FakeNetwork();
    final FakeTime time = new FakeTime(Fixtures.NOW);
    final Requests req = new Requests();

    Step.Outcome<Handshake> run() {
        net.time = time;
        return new TlsStep(req.context(net, time)).run(new Reached(ADDRESS));
    }

    static TlsSettings settings(String sni, List<String> versions, List<String> suites) {
        return new TlsSettings(sni, versions, suites, List.of(), List.of(), Fixtures.NOW);
    }

    @Test
    void aHandshakeThatWorksIsHandedOverWithoutFollowUps() {
        Step.Outcome<Handshake> o = run();
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.result().summary()).isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256, SNI broker.test");
        assertThat(o.result().facts()).containsEntry("version", "TLSv1.3").containsEntry("SNI", "broker.test");
        assertThat(o.next().address()).isEqualTo(ADDRESS);
        assertThat(net.calls).containsExactly("tls kept sni=broker.test versions=[]");
    }

    @Test
    void aVersionTheServerRefusesIsNamedWithTheOneThatWorks() {
        req.tls = settings("broker.test", List.of("TLSv1.1"), List.of());
        net.tls = s -> s.protocols().equals(List.of("TLSv1.2"))
                ? FakeNetwork.handshakeOk("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", List.of())
                : FakeNetwork.alert("protocol_version");
        Step.Outcome<Handshake> o = run();
        assertThat(o.failed()).isTrue();
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("tls.protocol-version",
                "tls.protocol-version");
        Finding refined = o.result().findings().get(0);
        assertThat(refined.message()).isEqualTo("the handshake fails with the versions offered but works with TLS"
                + " 1.2 only (TLSv1.2)");
        assertThat(o.result().summary()).isEqualTo(refined.message());
        assertThat(o.result().facts()).containsEntry("offered versions", "TLSv1.1")
                .containsEntry("follow-up: TLS 1.2 only", "handshake works (TLSv1.2"
                        + " TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)")
                .containsEntry("follow-up: without SNI", "fails: the server refused the TLS version offered (alert"
                        + " protocol_version)");
        assertThat(net.calls).containsExactly("tls kept sni=broker.test versions=[TLSv1.1]",
                "tls sni=null versions=[TLSv1.1]", "tls sni=broker.test versions=[TLSv1.2]",
                "tls sni=broker.test versions=[TLSv1.3]");
    }

    @Test
    void aServerThatNeedsSniAndNoneWasSent() {
        req.tls = settings(null, List.of(), List.of());
        net.tls = s -> s.sni() != null ? FakeNetwork.handshakeOk(List.of()) : FakeNetwork.closed();
        Step.Outcome<Handshake> o = run();
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("tls.sni-missing",
                "tls.closed");
        assertThat(o.result().facts()).containsEntry("SNI", "none sent")
                .containsKey("follow-up: with SNI broker.test");
    }

    @Test
    void sniRanksBeforeAVersionChange() {
        req.tls = settings(null, List.of(), List.of());
        net.tls = s -> s.sni() != null || s.protocols().equals(List.of("TLSv1.3")) ? FakeNetwork.handshakeOk(List.of())
                : FakeNetwork.closed();
        Step.Outcome<Handshake> o = run();
        assertThat(o.result().findings().get(0).code()).isEqualTo("tls.sni-missing");
        assertThat(o.result().facts()).containsEntry("follow-up: TLS 1.3 only", "handshake works (TLSv1.3"
                + " TLS_AES_128_GCM_SHA256)");
    }

    @Test
    void toAnAddressNoSniFollowUpIsTried() {
        req.host = "10.0.0.2";
        req.tls = settings(null, List.of(), List.of());
        net.tls = s -> FakeNetwork.closed();
        Step.Outcome<Handshake> o = run();
        assertThat(o.result().facts().keySet()).noneMatch(k -> k.contains("SNI broker") || k.contains("with SNI"));
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("tls.closed");
    }

    @Test
    void aNameTheServerDoesNotServe() {
        net.tls = s -> s.sni() == null ? FakeNetwork.handshakeOk(List.of()) : FakeNetwork.alert("unrecognized_name");
        Step.Outcome<Handshake> o = run();
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("tls.sni-rejected");
        assertThat(f.message()).contains("fails with SNI 'broker.test'");
        // the follow-up names the same code as the alert, but a finding of its own, so both are kept
        assertThat(o.result().findings()).hasSize(2);
    }

    @Test
    void theDefaultSuitesRankBeforeAVersionChange() {
        req.tls = settings("broker.test", List.of(), List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        // the defaults work, and so does TLS 1.2 with the device's suites: the narrower change is named
        net.tls = s -> s.ciphers().isEmpty() || s.protocols().equals(List.of("TLSv1.2"))
                ? FakeNetwork.handshakeOk(List.of()) : FakeNetwork.alert("handshake_failure");
        Step.Outcome<Handshake> o = run();
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("tls.no-common-cipher");
        assertThat(f.message()).isEqualTo("the suites offered share none with the server; the default suites work"
                + " (TLS_AES_128_GCM_SHA256)");
        assertThat(o.result().facts()).containsEntry("offered suites", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
    }

    @Test
    void whenNoChangeHelpsTheFirstFindingStands() {
        net.tls = s -> FakeNetwork.alert("access_denied");
        Step.Outcome<Handshake> o = run();
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("tls.alert");
        assertThat(o.result().facts()).containsKeys("follow-up: without SNI", "follow-up: TLS 1.2 only",
                "follow-up: TLS 1.3 only");
    }

    @Test
    void theFollowUpsShareWhatIsLeftOfTheBoundAndTheRestAreNotTried() {
        net.handshakeTakes = Duration.ofMillis(1200);
        net.tls = s -> FakeNetwork.alert("access_denied");
        Step.Outcome<Handshake> o = run();
        // 3 s: the handshake takes 1.2 s, the first follow-up gets 1.8 s and takes 1.2 s, the second gets 0.6 s
        assertThat(net.handshakeBounds).containsExactly(Duration.ofSeconds(3), Duration.ofMillis(1800),
                Duration.ofMillis(600));
        assertThat(o.result().facts()).containsEntry("follow-up: TLS 1.3 only", "not tried: the tls step's bound of"
                + " 3 s (--timeout) was used up");
        assertThat(o.result().millis()).isEqualTo(3600);
    }

    @Test
    void aChainTheDeviceRefusesIsTheTrustStepsBusinessButALostConnectionIsNot() {
        TlsProbe.Result refused = FakeNetwork.refused(List.of(), "unknown CA");
        net.tls = s -> refused;
        assertThat(run().result().status()).isEqualTo(Status.PASS);
        assertThat(TlsStep.works(refused)).isTrue();
        TlsProbe.Result lostAfterCert = new TlsProbe.Result(false, true, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                List.of(), null, new java.net.SocketException("Connection reset"), 1, null);
        assertThat(TlsStep.works(lostAfterCert)).isFalse();
    }
}
