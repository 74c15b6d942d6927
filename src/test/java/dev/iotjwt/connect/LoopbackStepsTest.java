package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same steps over the real network ({@link SocketNetwork}) against loopback TLS servers: the hand-offs carry real
 * connections, and the follow-up probes name the cause a scripted network names in the unit tests.
 */
class LoopbackStepsTest {
    static TestPki pki;
    static TestPki other;

    final Requests req = new Requests();

    @BeforeAll
    static void pki() {
        pki = TestPki.ecRoot("Test Root R1", Fixtures.NOW);
        other = TestPki.ecRoot("Other Root", Fixtures.NOW);
    }

    Diagnosis run(TlsTestServer server) {
        req.port = server.port();
        req.ca = new CaBundle(List.of(pki.root()), List.of("root.pem"), 600, List.of());
        return new ConnectDoctor().run(req.build());
    }

    static StepResult step(Diagnosis d, String id) {
        return d.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void theVerifiedConnectionCarriesTheTokenToTheBroker() {
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).mqtt(MqttMode.connack(0))
                .start()) {
            Diagnosis d = run(server);
            assertThat(d.ok()).as(d.toString()).isTrue();
            assertThat(step(d, "mqtt").status()).isEqualTo(Status.PASS);
            assertThat(server.connects()).hasSize(1);
            assertThat(server.connects().get(0).password()).isEqualTo(req.token);
            assertThat(server.completedHandshakes()).as("MQTT went over the TLS step's connection").isEqualTo(1);
        }
    }

    @Test
    void withoutSniThePlaceholderAndTheFollowUpWithSniNameTheCause() {
        req.tls = new TlsSettings(null, List.of(), List.of(), List.of(), List.of(), Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(other.leaf("invalid2.invalid"))
                .sniChain("broker.test", pki.leaf("broker.test")).start()) {
            Diagnosis d = run(server);
            assertThat(step(d, "tls").status()).isEqualTo(Status.PASS);
            StepResult trust = step(d, "trust");
            assertThat(trust.findings()).extracting(Finding::code).startsWith("tls.sni-missing");
            assertThat(trust.facts()).containsEntry("follow-up: with SNI broker.test", "the chain verifies");
            assertThat(d.cause().code()).isEqualTo("tls.sni-missing");
            assertThat(server.connects()).as("no token after failed trust").isEmpty();
        }
    }

    @Test
    void aVersionTheServerDoesNotSpeakIsNamedByTheFollowUp() {
        req.tls = new TlsSettings("broker.test", List.of("TLSv1.3"), List.of(), List.of(), List.of(), Fixtures.NOW);
        try (TlsTestServer server = new TlsTestServer().chain(pki.leaf("broker.test")).protocols("TLSv1.2")
                .start()) {
            Diagnosis d = run(server);
            StepResult tls = step(d, "tls");
            assertThat(tls.status()).isEqualTo(Status.FAIL);
            assertThat(tls.findings().get(0).code()).isEqualTo("tls.protocol-version");
            assertThat(tls.findings().get(0).message()).endsWith("works with TLS 1.2 only (TLSv1.2)");
            assertThat(step(d, "trust").summary()).isEqualTo("skipped: the tls step failed");
        }
    }
}
