package dev.iotjwt.broker.tls;

/** STUB until the TLS stage lands. */
public record HandshakeObservation(ClientHello hello, boolean ok, String protocol, String cipherSuite,
                                   Throwable failure, boolean timedOut, long millis) {
}
