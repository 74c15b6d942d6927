package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MqttStepTest {
    static final InetSocketAddress ADDRESS = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);

    final FakeNetwork net = new FakeNetwork();
    final Requests req = new Requests();

    Step.Outcome<MqttLink> run() {
        return new MqttStep(req.context(net, new FakeTime(Fixtures.NOW))).run(new Verified(ADDRESS, null));
    }

    @Test
    void connectedTheClientIsHandedOverOpen() {
        FakeNetwork.FakeLink link = new FakeNetwork.FakeLink().accepting();
        net.links.add(link);
        Step.Outcome<MqttLink> o = run();
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.result().summary()).isEqualTo("CONNACK 0: connected");
        assertThat(o.result().facts()).isEqualTo(Map.of("protocol", "MQTT 3.1.1, clean session, user name 'unused'",
                "CONNACK", "0 (accepted)"));
        assertThat(o.next()).isSameAs(link);
        assertThat(link.closed).isFalse();
        assertThat(link.tokens).containsExactly(req.token);
        MqttLink.Dial dial = link.dials.get(0);
        assertThat(dial.address()).isEqualTo(ADDRESS);
        assertThat(dial.host()).isEqualTo("broker.test");
        assertThat(dial.tls().sni()).isEqualTo("broker.test");
        assertThat(dial.timeout()).isEqualTo(req.timeout);
    }

    @Test
    void aRefusalClosesTheClientAndNamesTheCode() {
        FakeNetwork.FakeLink link = new FakeNetwork.FakeLink().refusing(4, "mqtt.connack.bad-credentials");
        net.links.add(link);
        Step.Outcome<MqttLink> o = run();
        assertThat(o.failed()).isTrue();
        assertThat(o.next()).isNull();
        assertThat(link.closed).isTrue();
        assertThat(o.result().facts()).containsEntry("CONNACK", "4");
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("mqtt.connack.bad-credentials");
    }

    @Test
    void noConnackAtAll() {
        net.links.add(new FakeNetwork.FakeLink().refusing(-1, "mqtt.timeout"));
        assertThat(run().result().facts()).containsEntry("CONNACK", "none");
    }

    @Test
    void theLocalBrokersRefusalPointsAtItsLog() {
        req.profile = "local";
        net.links.add(new FakeNetwork.FakeLink().refusing(5, "mqtt.connack.not-authorized"));
        Finding f = run().result().findings().get(0);
        assertThat(f.code()).isEqualTo("mqtt.connack.not-authorized");
        assertThat(f.message()).isEqualTo("refused 5");
        assertThat(f.hint()).contains("'refused <device> <code>: <reason>' line");
    }

    @Test
    void elsewhereTheRefusalKeepsItsOwnHint() {
        net.links.add(new FakeNetwork.FakeLink().refusing(5, "mqtt.connack.not-authorized"));
        assertThat(run().result().findings().get(0).hint()).isNull();
    }

    @Test
    void aClientThatThrowsIsClosed() {
        FakeNetwork.FakeLink link = new FakeNetwork.FakeLink(); // no outcome scripted: connect throws
        net.links.add(link);
        try {
            run();
        } catch (AssertionError expected) {
            assertThat(link.closed).isTrue();
            return;
        }
        throw new AssertionError("connect should have thrown");
    }
}
