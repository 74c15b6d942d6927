package dev.iotjwt.connect;

import dev.iotjwt.tls.TlsProbe;

import java.net.InetSocketAddress;

/**
 * The tls step's hand-off: a version and suite work; the probe holds the chain presented, why verification refused
 * it (if it did) and, when the handshake completed, the verified connection left open.
 */
record Handshake(InetSocketAddress address, TlsProbe.Result probe) {
}
