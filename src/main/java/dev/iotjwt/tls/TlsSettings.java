package dev.iotjwt.tls;

import java.time.Instant;
import java.util.List;

/**
 * How to shake hands, so a PC can behave like a device.
 *
 * @param sni        the SNI host name to send, or null to send none
 * @param protocols  TLS versions to offer (empty: the JDK's defaults)
 * @param ciphers    cipher suites to offer (empty: the JDK's defaults)
 * @param verifyAt   the time certificates are judged at (the device's clock)
 */
public record TlsSettings(String sni, List<String> protocols, List<String> ciphers, Instant verifyAt) {
    public TlsSettings withSni(String name) {
        return new TlsSettings(name, protocols, ciphers, verifyAt);
    }

    public TlsSettings withProtocols(List<String> p) {
        return new TlsSettings(sni, p, ciphers, verifyAt);
    }

    public TlsSettings withCiphers(List<String> c) {
        return new TlsSettings(sni, protocols, c, verifyAt);
    }
}
