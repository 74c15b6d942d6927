package dev.iotjwt.connect;

import java.net.InetAddress;
import java.util.List;

/** The dns step's hand-off: the host's addresses, in the resolver's order. */
record Resolved(List<InetAddress> addresses) {
}
