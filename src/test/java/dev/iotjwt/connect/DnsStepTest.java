package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DnsStepTest {
    final FakeNetwork net = new FakeNetwork();
    final Requests req = new Requests();

    Step.Outcome<Resolved> run(String host) {
        return new DnsStep(req.context(net, new FakeTime(Fixtures.NOW))).run(host);
    }

    @Test
    void everyAddressIsAFactAndHandedOverInOrder() {
        net.names.put("broker.test", List.of(FakeNetwork.address("10.0.0.2"), FakeNetwork.address("::1")));
        Step.Outcome<Resolved> o = run("broker.test");
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.result().summary()).isEqualTo("broker.test → 10.0.0.2, 0:0:0:0:0:0:0:1");
        assertThat(o.result().facts()).containsEntry("addresses", "10.0.0.2, 0:0:0:0:0:0:0:1");
        assertThat(o.next().addresses()).containsExactly(FakeNetwork.address("10.0.0.2"),
                FakeNetwork.address("::1"));
    }

    @Test
    void aNameThatDoesNotResolve() {
        Step.Outcome<Resolved> o = run("mqtt.googleapis.comm");
        assertThat(o.failed()).isTrue();
        assertThat(o.next()).isNull();
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("dns.unresolved");
        assertThat(f.message()).isEqualTo("cannot resolve mqtt.googleapis.comm (DNS)");
        assertThat(f.hint()).contains("mqtt.googleapis.com");
        assertThat(o.result().summary()).isEqualTo(f.message());
    }

    @Test
    void noAnswerWithinTheBound() {
        net.dnsTimesOut = true;
        Step.Outcome<Resolved> o = run("broker.test");
        assertThat(o.failed()).isTrue();
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("dns.unresolved");
        assertThat(o.result().findings().get(0).message()).isEqualTo("no DNS answer for broker.test within 3 s");
    }
}
