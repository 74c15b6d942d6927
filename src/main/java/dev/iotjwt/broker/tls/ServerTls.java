package dev.iotjwt.broker.tls;

import java.util.List;

/** STUB until the TLS stage lands. */
public record ServerTls(List<String> protocols, boolean requireSni, String provider) {
}
