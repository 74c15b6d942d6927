package dev.iotjwt.connect;

import javax.net.ssl.SSLSocket;
import java.net.InetSocketAddress;

/**
 * The trust step's hand-off: the chain verified, so the token may be sent. {@code socket} is the TLS step's verified
 * connection for MQTT to go over (null when none was kept open: MQTT then makes its own).
 */
record Verified(InetSocketAddress address, SSLSocket socket) {
}
