package dev.iotjwt.broker.tls;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which TLS a bridge front end accepted: versions, suites, key-exchange groups and server certificate key. The
 * bridge with {@code --tls-profile NAME} accepts exactly these, so a device that passes locally passes there.
 * Where the real list was not published, the profile keeps to the smaller, evidenced set (a device refused
 * here may have passed there, never the reverse); docs/tls-profiles.md gives each list's source and what is
 * inferred. Every suite and group named here is one BoringSSL offers (no CBC-SHA256/384, no DHE).
 */
public enum TlsProfile {
    /** The local bridge's own choice: TLS 1.2 and 1.3 with the provider's default modern suites. */
    DEFAULT("default", List.of(), List.of("TLSv1.3", "TLSv1.2"), List.of(), List.of(), List.of(), "EC P-256",
            "the TLS provider's defaults"),

    /**
     * mqtt.googleapis.com:8883/443 behind the Google Front End. TLS 1.2 suites as observed (ECDHE-RSA AEAD only,
     * RSA 2048 leaf); TLS 1.3 and X25519 are the GFE's (inferred, not observed on this host).
     */
    GOOGLE("google", List.of("mqtt.googleapis.com"), List.of("TLSv1.3", "TLSv1.2"),
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
            List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            List.of("x25519", "secp256r1"), "RSA 2048",
            "cloud.google.com/iot/docs/requirements (TLS>=1.2); iot-device-sdk-embedded-c#65 (suites seen 2019);"
                    + " e2e.ti.com 1049876 (RSA 2048 leaf); TLS 1.3, x25519 inferred"),

    /**
     * mqtt.2030.ltsapis.goog:8883, the long-term-support domain: ECDSA P-256 leaf under GTS LTSX / GTS LTSR, so
     * only ECDHE-ECDSA suites can complete. Version, suites and group are the minimal fixed set (inferred).
     */
    GOOGLE_LTS("google-lts", List.of("mqtt.2030.ltsapis.goog"), List.of("TLSv1.2"), List.of(),
            List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            List.of("secp256r1"), "EC P-256",
            "leaf *.2030.ltsapis.goog (google-cloud-iot-arduino#221, EC P-256, ecdsa-with-SHA256 by GTS LTSX);"
                    + " TLS 1.2 only, suites and P-256 inferred"),

    /**
     * {region}-mqtt.clearblade.com:8883/443 (and the -g5- hosts): ClearBlade IoT Core. TLS 1.2 or higher is
     * documented; the suites and groups are not published (inferred: ECDHE AEAD for the RSA chain under
     * DigiCert Global Root CA).
     */
    CLEARBLADE("clearblade", List.of("us-central1-mqtt.clearblade.com", "europe-west1-mqtt.clearblade.com",
            "asia-east1-mqtt.clearblade.com"), List.of("TLSv1.3", "TLSv1.2"),
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"),
            List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            List.of("x25519", "secp256r1"), "RSA 2048",
            "docs.clearblade.com/iotcore/troubleshooting-iot-core-mqtt-device-connection-issues (TLS>=1.2,"
                    + " DigiCert roots); suites, groups and key inferred");

    private final String cliName;
    private final List<String> hosts;
    private final List<String> protocols;
    private final List<String> tls13Suites;
    private final List<String> tls12Suites;
    private final List<String> groups;
    private final String certificateKey;
    private final String source;

    TlsProfile(String cliName, List<String> hosts, List<String> protocols, List<String> tls13Suites,
               List<String> tls12Suites, List<String> groups, String certificateKey, String source) {
        this.cliName = cliName;
        this.hosts = hosts;
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

    /** TLS 1.3 suites by IANA name; empty = the provider's defaults (or none when TLS 1.3 is not offered). */
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

    /** The real front end's host names (empty for DEFAULT); ClearBlade's -g5- hosts share its profile. */
    public List<String> hosts() {
        return hosts;
    }

    /** Whether the profile offers TLS 1.3 at all. */
    public boolean allowsTls13() {
        return protocols.contains("TLSv1.3");
    }

    /** Every suite of the profile, TLS 1.3 first; empty = the provider's defaults. */
    public List<String> suites() {
        return Stream.concat(tls13Suites.stream(), tls12Suites.stream()).toList();
    }

    /** The profile {@code --tls-profile NAME} names, case-insensitively. */
    public static Optional<TlsProfile> byCliName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.cliName.equals(wanted)).findFirst();
    }

    /** The names {@code --tls-profile} takes, comma-separated, for help and error text. */
    public static String cliNames() {
        return Arrays.stream(values()).map(TlsProfile::cliName).collect(Collectors.joining(", "));
    }
}
