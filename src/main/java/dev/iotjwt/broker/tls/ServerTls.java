package dev.iotjwt.broker.tls;

import java.nio.file.Path;
import java.util.List;

/**
 * What the bridge's TLS takes, for a device's report.
 *
 * @param provider       "BoringSSL" or "JDK"
 * @param protocols      JSSE protocol names, preferred first ("TLSv1.3", "TLSv1.2")
 * @param suites         the cipher suites it takes, by IANA name
 * @param groups         the key-exchange groups it takes, by IANA name
 * @param groupsEnforced whether {@code groups} is this bridge's own restriction; false on the JDK engine of Java 17,
 *                       which cannot restrict groups per context (only JVM-wide through {@code jdk.tls.namedGroups}):
 *                       then {@code groups} is the JVM's list
 * @param serverNames    the names the bridge serves (its certificate's SANs, or those it was given)
 * @param certificateKey the server certificate's key ("EC P-256", "RSA 2048")
 * @param requireSni     a device without SNI gets the placeholder certificate, and an SNI not served is refused
 * @param caFile         the CA file a device must trust, shown in hints; null when not known
 */
public record ServerTls(String provider, List<String> protocols, List<String> suites, List<String> groups,
                        boolean groupsEnforced, List<String> serverNames, String certificateKey, boolean requireSni,
                        Path caFile) {
    public ServerTls {
        protocols = List.copyOf(protocols);
        suites = List.copyOf(suites);
        groups = List.copyOf(groups);
        serverNames = List.copyOf(serverNames);
    }

    /** Whether the bridge serves this SNI: one of its names, exactly or under a one-label wildcard, ignoring case. */
    public boolean serves(String sni) {
        if (sni == null) {
            return false;
        }
        String host = sni.endsWith(".") ? sni.substring(0, sni.length() - 1) : sni;
        for (String n : serverNames) {
            if (n.equalsIgnoreCase(host)) {
                return true;
            }
            if (n.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot + 1).equalsIgnoreCase(n.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }
}
