package dev.iotjwt.broker;

import dev.iotjwt.testsupport.CliRun;
import dev.iotjwt.testsupport.Fixtures;
import dev.iotjwt.testsupport.net.MqttMode;
import dev.iotjwt.testsupport.net.TestPki;
import dev.iotjwt.testsupport.net.TlsTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerPkiTest {
    @TempDir
    Path dir;

    @Test
    void createdOnceOwnerOnlyKeysAndReused() throws Exception {
        BrokerPki first = BrokerPki.ensure(dir, List.of("broker.test", "127.0.0.1"), Fixtures.CLOCK);
        for (String key : List.of(BrokerPki.CA_KEY, BrokerPki.SERVER_KEY)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
                    .isEqualTo("rw-------");
        }
        BrokerPki second = BrokerPki.ensure(dir, List.of("broker.test"), Fixtures.CLOCK);
        assertThat(second.ca()).isEqualTo(first.ca());
        assertThat(second.serverChain()).hasSize(2);
        assertThat(second.serverChain().get(1)).isEqualTo(first.ca());
    }

    @Test
    void connectTrustsTheBrokerCaAndItsHostNames() throws Exception {
        BrokerPki pki = BrokerPki.ensure(dir, List.of("broker.test"), Fixtures.CLOCK);
        TestPki.Issued issued = new TestPki.Issued(pki.serverKey(), pki.serverChain().get(0), pki.serverChain());
        try (TlsTestServer server = new TlsTestServer().chain(issued).mqtt(MqttMode.connack(0)).start()) {
            CliRun r = CliRun.run("connect", "--host", "broker.test", "--port", String.valueOf(server.port()), "--ca",
                    pki.caFile().toString(), "--client-id",
                    "projects/p/locations/us-central1/registries/reg/devices/dev", "--key",
                    Fixtures.key("p256_sec1.pem").toString());
            assertThat(r.exitCode()).as(r.out()).isZero();
            assertThat(r.out()).contains("iotjwt local broker CA");
        }
    }
}
