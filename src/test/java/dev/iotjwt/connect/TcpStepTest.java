package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.testsupport.Fixtures;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TcpStepTest {
    static final InetSocketAddress DEAD = new InetSocketAddress(FakeNetwork.address("10.0.0.1"), 8883);
    static final InetSocketAddress FILTERED = new InetSocketAddress(FakeNetwork.address("10.0.0.3"), 8883);
    static final InetSocketAddress LIVE = new InetSocketAddress(FakeNetwork.address("10.0.0.2"), 8883);

    final FakeNetwork net = new FakeNetwork();
    final Requests req = new Requests();

    Step.Outcome<Reached> run(InetSocketAddress... addresses) {
        return new TcpStep(req.context(net, new FakeTime(Fixtures.NOW))).run(new Resolved(
                java.util.Arrays.stream(addresses).map(InetSocketAddress::getAddress).toList()));
    }

    @Test
    void theFirstAddressThatAnswersIsHandedOverAfterTheDeadOnes() {
        net.tcpFailures.put(DEAD, new ConnectException("Connection refused"));
        Step.Outcome<Reached> o = run(DEAD, LIVE);
        assertThat(o.result().status()).isEqualTo(Status.PASS);
        assertThat(o.next().address()).isEqualTo(LIVE);
        assertThat(o.result().summary()).isEqualTo("connected to 10.0.0.2:8883 after 1 dead address(es)");
        assertThat(o.result().facts()).containsEntry("connected", "10.0.0.2:8883")
                .containsEntry("failed first", "10.0.0.1 refused");
        assertThat(net.calls).containsExactly("tcp 10.0.0.1:8883", "tcp 10.0.0.2:8883");
    }

    @Test
    void aRefusedPort() {
        net.tcpFailures.put(DEAD, new ConnectException("Connection refused"));
        Step.Outcome<Reached> o = run(DEAD);
        assertThat(o.failed()).isTrue();
        assertThat(o.next()).isNull();
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("tcp.refused");
        assertThat(f.message()).startsWith("broker.test:8883 refused the TCP connection (RST)");
        assertThat(o.result().facts()).containsEntry("tried", "10.0.0.1 refused");
    }

    @Test
    void aFilteredPort() {
        net.tcpFailures.put(FILTERED, new SocketTimeoutException("connect timed out"));
        Step.Outcome<Reached> o = run(FILTERED);
        assertThat(o.result().findings()).extracting(Finding::code).containsExactly("tcp.timeout");
        assertThat(o.result().findings().get(0).message()).contains("within 3 s: the port is filtered");
    }

    @Test
    void whenEveryAddressFailsTheFindingNamesThemAllAndTakesTheLastCode() {
        net.tcpFailures.put(DEAD, new ConnectException("Connection refused"));
        net.tcpFailures.put(FILTERED, new SocketTimeoutException("connect timed out"));
        Step.Outcome<Reached> o = run(DEAD, FILTERED);
        Finding f = o.result().findings().get(0);
        assertThat(f.code()).isEqualTo("tcp.timeout");
        assertThat(f.message()).startsWith("every address of broker.test failed (10.0.0.1 refused; 10.0.0.3 timed"
                + " out): no answer");
        assertThat(o.result().findings()).hasSize(1);
    }

    @Test
    void anotherSocketErrorIsNamedWithItsMessage() {
        net.tcpFailures.put(DEAD, new java.net.NoRouteToHostException("No route to host"));
        Step.Outcome<Reached> o = run(DEAD);
        assertThat(o.result().findings().get(0).message()).isEqualTo("cannot connect to broker.test:8883: No route"
                + " to host");
        assertThat(List.of(o.result().facts().get("tried"))).containsExactly("10.0.0.1 No route to host");
    }
}
