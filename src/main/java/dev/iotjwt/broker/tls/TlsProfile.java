package dev.iotjwt.broker.tls;

import java.util.List;

/**
 * Which TLS a bridge front end accepted: versions, suites, key-exchange groups and server certificate key. The
 * bridge with {@code --tls-profile NAME} accepts exactly these, so a device that passes locally passes there.
 * CONTRACT STUB: the research helper fills in the real lists and their sources.
 */
public enum TlsProfile {
    /** The local bridge's own choice: TLS 1.2 and 1.3 with the provider's default modern suites. */
    DEFAULT("default", List.of("TLSv1.3", "TLSv1.2"), List.of(), List.of(), List.of(), "EC P-256",
            "the TLS provider's defaults");

    private final String cliName;
    private final List<String> protocols;
    private final List<String> tls13Suites;
    private final List<String> tls12Suites;
    private final List<String> groups;
    private final String certificateKey;
    private final String source;

    TlsProfile(String cliName, List<String> protocols, List<String> tls13Suites, List<String> tls12Suites,
               List<String> groups, String certificateKey, String source) {
        this.cliName = cliName;
        this.protocols = protocols;
        this.tls13Suites = tls13Suites;
        this.tls12Suites = tls12Suites;
        this.groups = groups;
        this.certificateKey = certificateKey;
        this.source = source;
    }

    /** The name {@code --tls-profile} takes. */
    public String cliName() {
        return cliName;
    }

    /** JSSE protocol names ("TLSv1.2", "TLSv1.3"), preferred first. */
    public List<String> protocols() {
        return protocols;
    }

    /** TLS 1.3 suites by IANA name; empty = the provider's defaults. */
    public List<String> tls13Suites() {
        return tls13Suites;
    }

    /** TLS 1.2 suites by IANA name (TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 …); empty = the provider's defaults. */
    public List<String> tls12Suites() {
        return tls12Suites;
    }

    /** Key-exchange groups by IANA name (x25519, secp256r1, …); empty = the provider's defaults. */
    public List<String> groups() {
        return groups;
    }

    /** The server certificate's key the front end presented ("EC P-256", "RSA 2048"). */
    public String certificateKey() {
        return certificateKey;
    }

    /** Where the lists come from, one line. */
    public String source() {
        return source;
    }
}
