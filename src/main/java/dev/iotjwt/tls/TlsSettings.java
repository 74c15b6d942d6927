package dev.iotjwt.tls;

import java.time.Instant;
import java.util.List;

/**
 * How to shake hands, so a PC can behave like a device.
 *
 * @param sni        the SNI host name to send, or null to send none
 * @param protocols  TLS versions to offer (empty: the JDK's defaults)
 * @param ciphers    cipher suites to offer (empty: the JDK's defaults)
 * @param groups     named groups (curves) to offer (empty: the JDK's defaults; needs Java 20 or newer)
 * @param verifyAt   the time certificates are judged at (the device's clock)
 */
public record TlsSettings(String sni, List<String> protocols, List<String> ciphers, List<String> groups,
                          Instant verifyAt) {
    /** Whether this JVM can restrict named groups per connection (SSLParameters.setNamedGroups, Java 20). */
    public static boolean groupsSupported() {
        return Runtime.version().feature() >= 20;
    }

    public TlsSettings withSni(String name) {
        return new TlsSettings(name, protocols, ciphers, groups, verifyAt);
    }

    public TlsSettings withProtocols(List<String> p) {
        return new TlsSettings(sni, p, ciphers, groups, verifyAt);
    }

    public TlsSettings withCiphers(List<String> c) {
        return new TlsSettings(sni, protocols, c, groups, verifyAt);
    }

    public TlsSettings withGroups(List<String> g) {
        return new TlsSettings(sni, protocols, ciphers, g, verifyAt);
    }
}
