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
 * @param schemes    signature schemes to offer (empty: the JDK's defaults; needs Java 19 or newer)
 * @param verifyAt   the time certificates are judged at (the device's clock)
 * @param verifyName the name the server certificate must carry, or null for the host dialled; never taken from the
 *                   SNI, which only says which certificate to present
 */
public record TlsSettings(String sni, List<String> protocols, List<String> ciphers, List<String> groups,
                          List<String> schemes, Instant verifyAt, String verifyName) {
    /** Settings that verify the certificate against the host dialled. */
    public TlsSettings(String sni, List<String> protocols, List<String> ciphers, List<String> groups,
                       List<String> schemes, Instant verifyAt) {
        this(sni, protocols, ciphers, groups, schemes, verifyAt, null);
    }

    /** The name the certificate is verified against when {@code host} is dialled. */
    public String verifiedName(String host) {
        return verifyName != null ? verifyName : host;
    }

    /** Whether this JVM can restrict named groups per connection (SSLParameters.setNamedGroups, Java 20). */
    public static boolean groupsSupported() {
        return Runtime.version().feature() >= 20;
    }

    /** Whether this JVM can restrict signature schemes per connection (SSLParameters.setSignatureSchemes, 19). */
    public static boolean schemesSupported() {
        return Runtime.version().feature() >= 19;
    }

    public TlsSettings withSni(String name) {
        return new TlsSettings(name, protocols, ciphers, groups, schemes, verifyAt, verifyName);
    }

    public TlsSettings withProtocols(List<String> p) {
        return new TlsSettings(sni, p, ciphers, groups, schemes, verifyAt, verifyName);
    }

    public TlsSettings withCiphers(List<String> c) {
        return new TlsSettings(sni, protocols, c, groups, schemes, verifyAt, verifyName);
    }

    public TlsSettings withGroups(List<String> g) {
        return new TlsSettings(sni, protocols, ciphers, g, schemes, verifyAt, verifyName);
    }

    public TlsSettings withSchemes(List<String> s) {
        return new TlsSettings(sni, protocols, ciphers, groups, s, verifyAt, verifyName);
    }
}
