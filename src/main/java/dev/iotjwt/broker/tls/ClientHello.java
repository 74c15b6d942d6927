package dev.iotjwt.broker.tls;

/** STUB until the TLS stage lands: what a device offered in its ClientHello. */
public record ClientHello(String sni) {
}
