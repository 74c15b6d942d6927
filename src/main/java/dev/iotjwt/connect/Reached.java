package dev.iotjwt.connect;

import java.net.InetSocketAddress;

/** The tcp step's hand-off: the address that accepted a TCP connection; every later connection dials it. */
record Reached(InetSocketAddress address) {
}
