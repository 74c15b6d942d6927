package dev.iotjwt.connect;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real network's TCP and name lookups on the loopback; its TLS and MQTT are proven by the connect tests. */
class SocketNetworkTest {
    final SocketNetwork net = new SocketNetwork();

    @Test
    void anAddressLiteralResolvesToItself() throws Exception {
        assertThat(net.resolve("127.0.0.1", Duration.ofSeconds(2))).containsExactly(InetAddress.getByName(
                "127.0.0.1"));
    }

    @Test
    void aListeningPortAcceptsAndAClosedOneRefuses() throws Exception {
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            net.connect(address, Duration.ofSeconds(2));
            closedPort = server.getLocalPort();
        }
        InetSocketAddress closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
        assertThatThrownBy(() -> net.connect(closed, Duration.ofSeconds(2))).isInstanceOf(ConnectException.class);
    }
}
