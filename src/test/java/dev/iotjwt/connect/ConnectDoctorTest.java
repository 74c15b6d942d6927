package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.mqtt.PahoConnector;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline on a scripted network: order, hand-offs, skipping, the cause, and what is closed. */
class ConnectDoctorTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);
    static TestPki pki;

    final FakeNetwork net = new FakeNetwork();
    final FakeTime time = new FakeTime(Fixtures.NOW);
    final Requests req = new Requests();
    final FakeNetwork.FakeLink link = new FakeNetwork.FakeLink();

    @BeforeAll
    static void pki() {
        pki = TestPki.ecRoot("Test Root R1", Fixtures.NOW);
    }

    @BeforeEach
    void healthyBroker() {
        req.ca = new CaBundle(List.of(pki.root()), List.of("root.pem"), 600, List.of());
        net.names.put("broker.test", List.of(ADDRESS.getAddress()));
        net.tls = s -> FakeNetwork.handshakeOk(pki.leaf("broker.test").chain());
        net.links.add(link);
    }

    Diagnosis run() {
        return new ConnectDoctor(net, time, new Random(1)).run(req.build());
    }

    static List<String> ids(Diagnosis d) {
        return d.steps().stream().map(StepResult::id).toList();
    }

    static Status status(Diagnosis d, String id) {
        return d.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow().status();
    }

    @Test
    void aHealthyConnectionRunsEveryStepInOrder() {
        link.accepting();
        Diagnosis d = run();
        assertThat(d.ok()).isTrue();
        assertThat(d.cause()).isNull();
        assertThat(ids(d)).containsExactly("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session");
        assertThat(d.steps()).extracting(StepResult::status).containsExactly(Status.PASS, Status.PASS, Status.PASS,
                Status.PASS, Status.PASS, Status.PASS, Status.SKIPPED);
        assertThat(net.calls).containsExactly("resolve broker.test", "tcp 10.0.0.2:8883",
                "tls kept sni=broker.test versions=[]", "mqtt client");
        assertThat(link.dials.get(0).address()).as("MQTT dials the address the tcp step reached").isEqualTo(ADDRESS);
        assertThat(link.closed).isTrue();
        assertThat(d.target().host()).isEqualTo("broker.test");
    }

    @Test
    void afterAFailureTheLaterStepsAreSkippedAndNothingMoreIsDialled() {
        net.tcpFailures.put(ADDRESS, new ConnectException("Connection refused"));
        Diagnosis d = run();
        assertThat(d.ok()).isFalse();
        assertThat(d.cause().code()).isEqualTo("tcp.refused");
        assertThat(ids(d)).containsExactly("inputs", "dns", "tcp", "tls", "trust", "mqtt", "session");
        for (String id : List.of("tls", "trust", "mqtt", "session")) {
            assertThat(status(d, id)).isEqualTo(Status.SKIPPED);
        }
        assertThat(d.steps().get(3).summary()).isEqualTo("skipped: the tcp step failed");
        assertThat(net.calls).containsExactly("resolve broker.test", "tcp 10.0.0.2:8883");
    }

    @Test
    void theTokenIsNeverSentWhenTrustFails() {
        TestPki other = TestPki.ecRoot("Other Root", Fixtures.NOW);
        net.tls = s -> FakeNetwork.refused(other.leaf("broker.test").plus(other.root()).chain(),
                "PKIX path building failed");
        Diagnosis d = run();
        assertThat(d.cause().code()).isEqualTo("trust.unknown-ca");
        assertThat(status(d, "mqtt")).isEqualTo(Status.SKIPPED);
        assertThat(net.calls).doesNotContain("mqtt client");
        assertThat(link.tokens).isEmpty();
    }

    @Test
    void anUnusableCaFileStopsBeforeTheNetwork() {
        req.ca = new CaBundle(List.of(), List.of("empty.pem"), 0, List.of(Finding.error("ca.empty", "no"
                + " certificate", null)));
        Diagnosis d = run();
        assertThat(d.cause().code()).isEqualTo("ca.empty");
        assertThat(d.steps().get(1).summary()).isEqualTo("skipped: the inputs step failed");
        assertThat(net.calls).isEmpty();
    }

    @Test
    void aRefusalIsExplainedByTheTokensProblemAndTheHandshakesConnectionIsClosed() throws Exception {
        req.token = Requests.token(Requests.NOW - 7200, Requests.NOW - 3600);
        SSLSocket kept = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(); // never connected
        TlsProbe.Result ok = FakeNetwork.handshakeOk(pki.leaf("broker.test").chain());
        net.tls = s -> new TlsProbe.Result(true, true, ok.protocol(), ok.cipherSuite(), ok.chain(), null, null, 1,
                kept);
        link.refusing(4, "mqtt.connack.bad-credentials");
        Diagnosis d = run();
        assertThat(d.cause().code()).isEqualTo("jwt.exp.expired");
        assertThat(status(d, "mqtt")).isEqualTo(Status.FAIL);
        assertThat(d.steps().get(6).summary()).isEqualTo("skipped: the mqtt step failed");
        assertThat(link.dials.get(0).verified()).as("MQTT was offered the verified connection").isSameAs(kept);
        assertThat(link.closed).isTrue();
        assertThat(kept.isClosed()).as("the TLS step's connection MQTT did not keep").isTrue();
    }

    @Test
    void stayingADropInTheSessionIsRiddenOutNotTheEnd() {
        req.stay = Duration.ofSeconds(5);
        req.subscribeTopic = "/devices/dev-1/config";
        link.accepting();
        link.lost = new java.io.EOFException();
        link.session = new PahoConnector.SessionOutcome(FakeNetwork.facts(), List.of(Finding.error("mqtt.dropped",
                "the broker dropped the connection after CONNACK (EOFException)", null)));
        FakeNetwork.FakeLink again = new FakeNetwork.FakeLink().accepting();
        net.links.add(again);
        Diagnosis d = run();
        StepResult session = d.steps().get(6);
        assertThat(session.summary()).startsWith("stayed 5 s: 2 connections, 1 drop");
        assertThat(d.ok()).isTrue();
        assertThat(session.status()).isEqualTo(Status.WARN);
        assertThat(link.closed).isTrue();
        assertThat(again.closed).as("the client in use when the stay ended").isTrue();
        assertThat(again.subscribed).containsExactly("/devices/dev-1/config");
    }

    @Test
    void notStayingADropInTheSessionFailsIt() {
        req.subscribeTopic = "/devices/dev-1/config";
        link.accepting();
        link.lost = new java.io.EOFException();
        link.session = new PahoConnector.SessionOutcome(FakeNetwork.facts(), List.of(Finding.error("mqtt.dropped",
                "dropped", null)));
        Diagnosis d = run();
        assertThat(d.ok()).isFalse();
        assertThat(d.cause().code()).isEqualTo("mqtt.dropped");
        assertThat(link.closed).isTrue();
    }
}
