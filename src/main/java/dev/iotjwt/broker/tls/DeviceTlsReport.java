package dev.iotjwt.broker.tls;

import dev.iotjwt.Messages;
import dev.iotjwt.broker.tls.HandshakeObservation.FirstBytes;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code tls} step of a device's report, from what the bridge saw of its connection attempt: what the device
 * offered, what the bridge takes, and for a failure which side refused what, with the fix on the device's side.
 *
 * <p>Finding codes: {@code device.tls.no-sni}, {@code device.tls.unknown-sni}, {@code device.tls.protocol-version},
 * {@code device.tls.no-common-cipher}, {@code device.tls.no-common-group}, {@code device.tls.untrusted-server},
 * {@code device.tls.closed}, {@code device.tls.timeout}, {@code device.tls.alert}, {@code device.not-tls},
 * {@code device.http}, {@code device.tls.max-fragment-length}, {@code device.tls.weak-offer}, and
 * {@code device.tls.handshake-failed} for a failure none of these explains.
 */
public final class DeviceTlsReport {
    /** Alerts a client sends when it does not accept the server's certificate. */
    private static final Set<Integer> CERTIFICATE_ALERTS = Set.of(42, 43, 44, 45, 46, 48, 49, 51);
    private static final Pattern BORING_ALERT = Pattern.compile("(?:SSLV3|TLSV1)_ALERT_([A-Z_]+)");
    private static final Pattern JDK_ALERT = Pattern.compile("Received fatal alert: ([a-z_]+)");
    private static final int MAX_LISTED = 12;

    private DeviceTlsReport() {
    }

    /** The {@code tls} step for one observation. */
    public static StepResult step(HandshakeObservation o, ServerTls server) {
        Map<String, String> facts = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        ClientHello h = o.hello();
        if (o.firstBytes() != FirstBytes.TLS) {
            facts.put("first bytes", o.firstBytes() == FirstBytes.NONE ? "none" : o.firstBytesSample());
        }
        if (h != null) {
            facts.put("SNI", h.sni() == null ? "none" : Messages.quote(h.sni(), 255));
            facts.put("offered versions", String.join(", ", h.versionNames()));
            facts.put("offered suites", String.join(", ", h.suiteNames()));
            facts.put("groups", h.groups().isEmpty() ? "none sent" : String.join(", ", h.groupNames()));
            facts.put("signature algorithms", h.signatureSchemes().isEmpty() ? "none sent"
                    : String.join(", ", h.signatureSchemeNames()));
            facts.put("ALPN", h.alpn().isEmpty() ? "none" : Messages.quote(String.join(", ", h.alpn()), 120));
            facts.put("max_fragment_length", h.maxFragmentLength() == null ? "not requested"
                    : h.maxFragmentBytes() > 0 ? h.maxFragmentBytes() + " bytes" : "code " + h.maxFragmentLength());
        }
        switch (o.firstBytes()) {
            case MQTT -> findings.add(Finding.error("device.not-tls",
                    "the device speaks MQTT without TLS to a TLS-only port (first bytes " + o.firstBytesSample() + ")",
                    "enable TLS in the device's MQTT client (port 8883 takes TLS only), trusting the bridge's CA"
                            + caText(server)));
            case HTTP -> findings.add(Finding.error("device.http",
                    "an HTTP client connected to the MQTT port (first bytes " + o.firstBytesSample() + ")",
                    "point HTTP clients at an HTTP endpoint; a device must speak MQTT over TLS here"));
            case OTHER -> findings.add(Finding.error("device.not-tls",
                    "the first bytes are neither a TLS ClientHello nor MQTT: " + o.firstBytesSample(),
                    "the device must start with a TLS ClientHello: enable TLS in its MQTT client"));
            case NONE -> findings.add(o.timedOut()
                    ? Finding.error("device.tls.timeout", "the device connected and sent nothing for "
                            + o.millis() + " ms", "the device must send its TLS ClientHello right after connecting: "
                            + "check that its TLS client starts (entropy source, clock, memory) and is not waiting "
                            + "for the server")
                    : Finding.error("device.tls.closed", "the device connected and closed without sending anything",
                            "a TCP port check, or a device that gave up before starting TLS: check its TLS "
                                    + "initialisation (memory, entropy, certificates loaded)"));
            case TLS -> tls(o, server, h, facts, findings);
        }
        Status status = StepResult.statusOf(findings);
        if (!o.ok() && status != Status.FAIL) {
            findings.add(Finding.error("device.tls.handshake-failed", "the handshake did not complete: "
                    + failureText(o), null));
            status = Status.FAIL;
        }
        return new StepResult("tls", status, summary(o, findings), facts, findings, o.millis());
    }

    private static void tls(HandshakeObservation o, ServerTls server, ClientHello h, Map<String, String> facts,
                            List<Finding> findings) {
        if (h != null) {
            sni(o, server, h, findings);
            if (h.maxFragmentLength() != null) {
                findings.add(Finding.warning("device.tls.max-fragment-length", "the device asks for "
                        + (h.maxFragmentBytes() > 0 ? h.maxFragmentBytes() + "-byte" : "code " + h.maxFragmentLength())
                        + " fragments (max_fragment_length); the bridge (" + server.provider() + ") and IoT Core "
                        + "ignore it and send records of up to 16 KiB",
                        "give the device's TLS stack a 16 KiB receive buffer (mbedTLS: MBEDTLS_SSL_IN_CONTENT_LEN "
                                + "16384) instead of relying on max_fragment_length"));
            }
            weakOffer(h, findings);
        }
        if (o.ok()) {
            facts.put("version", o.protocol());
            facts.put("suite", o.cipherSuite());
            facts.put("certificate", served(o));
            return;
        }
        facts.put("failure", failureText(o));
        if (!o.recordsAfterHello().isEmpty()) {
            facts.put("device records after hello", records(o));
        }
        if (o.refusedSni()) {
            return;
        }
        if (o.timedOut()) {
            findings.add(Finding.error("device.tls.timeout", "the device stalled in the handshake for " + o.millis()
                            + " ms after " + (h == null ? "its first bytes" : "its ClientHello")
                            + (o.bytesToDevice() > 0 ? "; the bridge had sent " + o.bytesToDevice() + " bytes" : ""),
                    "the device must read the bridge's handshake flight (" + o.bytesToDevice() + " bytes, certificate "
                            + "chain included) and answer: check its receive buffer, its clock and the time its "
                            + "crypto takes to verify a " + server.certificateKey() + " certificate"));
            return;
        }
        int alert = o.deviceAlert();
        String alertVia = "a " + (alert >= 0 ? "plaintext" : "") + " alert";
        if (alert < 0 || alert == 0) {
            alert = receivedAlert(o.failure());
            alertVia = "an alert";
        }
        if (alert > 0) {
            if (CERTIFICATE_ALERTS.contains(alert)) {
                findings.add(untrusted(server, "the device rejected the bridge's certificate (" + server.certificateKey()
                        + ", names " + list(server.serverNames()) + ") with " + alertVia + " "
                        + TlsNames.alert(alert) + "(" + alert + ")"));
            } else {
                findings.add(Finding.error("device.tls.alert", "the device ended the handshake with alert "
                                + TlsNames.alert(alert) + "(" + alert + ")",
                        "look up why the device's TLS stack sends " + TlsNames.alert(alert) + "; its debug log names "
                                + "the check that failed"));
            }
            return;
        }
        if (o.deviceSentEncryptedAlert()) {
            findings.add(untrusted(server, "the device sent an encrypted TLS 1.3 alert before its Finished, after the "
                    + "bridge's certificate (" + server.certificateKey() + ", names " + list(server.serverNames())
                    + "): it did not accept the certificate"));
            return;
        }
        if (h != null && mismatch(o, server, h, findings)) {
            return;
        }
        String cause = o.failure() == null ? "" : String.valueOf(o.failure().getMessage());
        if (cause.contains("NO_SHARED_CIPHER") || cause.contains("no cipher suites in common")) {
            findings.add(noCommonCipher(server, h));
        } else if (cause.contains("UNSUPPORTED_PROTOCOL") || cause.contains("protocol")
                && cause.contains("not enabled")) {
            findings.add(protocolVersion(server, h));
        } else if (cause.contains("WRONG_CURVE") || cause.contains("NO_SHARED_GROUP")) {
            findings.add(noCommonGroup(server, h, "the device offers no key-exchange group the bridge takes"));
        } else if (closed(o.failure())) {
            findings.add(closed(o, server));
        }
    }

    private static void sni(HandshakeObservation o, ServerTls server, ClientHello h, List<Finding> findings) {
        if (h.sni() == null) {
            if (server.requireSni()) {
                findings.add(Finding.error("device.tls.no-sni", "the device sends no server name (SNI); the bridge "
                                + "requires one and gave it the placeholder certificate, as Google's front end does",
                        "set the server name on the device (mbedTLS: mbedtls_ssl_set_hostname; wolfSSL: "
                                + "wolfSSL_UseSNI) to " + firstName(server)));
            } else {
                findings.add(Finding.warning("device.tls.no-sni", "the device sends no server name (SNI); this bridge "
                                + "serves it anyway, but Google's front end gave such a device a placeholder "
                                + "certificate",
                        "set the server name on the device (mbedTLS: mbedtls_ssl_set_hostname; wolfSSL: "
                                + "wolfSSL_UseSNI) to " + firstName(server)));
            }
        } else if (!server.serves(h.sni())) {
            String message = "the device asks for server name " + Messages.quote(h.sni(), 120) + "; the bridge serves "
                    + list(server.serverNames());
            String hint = "set the device's server name to one the bridge serves, " + firstName(server);
            findings.add(o.refusedSni()
                    ? Finding.error("device.tls.unknown-sni", message + " and refused it with alert "
                            + TlsNames.alert(o.refusalAlert()) + "(" + o.refusalAlert() + ")", hint)
                    : Finding.warning("device.tls.unknown-sni", message + "; its certificate will not match", hint));
        }
    }

    private static void weakOffer(ClientHello h, List<Finding> findings) {
        List<String> suites = realSuites(h);
        boolean modern = suites.stream().anyMatch(s -> TlsNames.isTls13Suite(s)
                || s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("CHACHA20") || s.contains("_CCM")));
        if (!suites.isEmpty() && !modern) {
            findings.add(Finding.warning("device.tls.weak-offer", "the device offers only suites without forward "
                            + "secrecy or AEAD (" + list(suites) + "); a stricter front end refuses them all",
                    "enable an ECDHE suite with AES-GCM on the device, e.g. "
                            + "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        }
        List<String> groups = h.groupNames();
        if (!h.groups().isEmpty() && !groups.contains("secp256r1") && !groups.contains("x25519")) {
            findings.add(Finding.warning("device.tls.weak-offer", "the device offers neither secp256r1 nor x25519 ("
                    + list(groups) + "); most front ends take only these", "enable secp256r1 (P-256) on the device"));
        }
    }

    /** Version, suite and group mismatches computed from the offer and what the bridge takes. */
    private static boolean mismatch(HandshakeObservation o, ServerTls server, ClientHello h, List<Finding> findings) {
        List<Integer> common = new ArrayList<>();
        for (String p : server.protocols()) {
            int v = TlsNames.versionId(p);
            if (v > 0 && h.offers(v)) {
                common.add(v);
            }
        }
        if (common.isEmpty()) {
            findings.add(protocolVersion(server, h));
            return true;
        }
        Set<String> offered = new LinkedHashSet<>(realSuites(h));
        boolean suiteFor13 = common.contains(0x0304) && server.suites().stream()
                .anyMatch(s -> TlsNames.isTls13Suite(s) && offered.contains(s));
        boolean suiteFor12 = common.stream().anyMatch(v -> v < 0x0304) && server.suites().stream()
                .anyMatch(s -> !TlsNames.isTls13Suite(s) && offered.contains(s));
        if (!suiteFor13 && !suiteFor12) {
            findings.add(noCommonCipher(server, h));
            return true;
        }
        if (h.groups().isEmpty()) {
            return false;
        }
        Set<String> groups = new LinkedHashSet<>(h.groupNames());
        boolean commonGroup = server.groups().stream().anyMatch(groups::contains);
        if (suiteFor13 && !commonGroup) {
            findings.add(noCommonGroup(server, h, "the device offers no key-exchange group the bridge takes"));
            return true;
        }
        if (!suiteFor13 && server.certificateKey().equals("EC P-256") && !groups.contains("secp256r1")) {
            findings.add(noCommonGroup(server, h, "the device's TLS 1.2 offer lacks secp256r1, the curve of the "
                    + "bridge's certificate (" + server.certificateKey() + ")"));
            return true;
        }
        if (!suiteFor13 && !commonGroup) {
            findings.add(noCommonGroup(server, h, "the device offers no key-exchange group the bridge takes"));
            return true;
        }
        return false;
    }

    private static Finding protocolVersion(ServerTls server, ClientHello h) {
        String offered = h == null ? "an unknown version"
                : String.join(", ", h.versionNames()) + (h.supportedVersions().isEmpty() ? " (and below)" : "");
        return Finding.error("device.tls.protocol-version", "the device offers " + offered + "; the bridge takes "
                        + String.join(", ", server.protocols()),
                "enable TLS 1.2 (or 1.3) in the device's TLS stack (mbedTLS: MBEDTLS_SSL_PROTO_TLS1_2; wolfSSL: "
                        + "wolfSSLv23_client_method or wolfTLSv1_2_client_method)");
    }

    private static Finding noCommonCipher(ServerTls server, ClientHello h) {
        return Finding.error("device.tls.no-common-cipher", "the device offers "
                        + (h == null ? "suites the bridge does not take" : list(realSuites(h)))
                        + "; the bridge (" + server.provider() + ") takes " + list(server.suites()),
                "enable one of the bridge's suites on the device, e.g. " + preferredSuite(server)
                        + (server.certificateKey().startsWith("EC") ? " (an ECDSA suite: the certificate is "
                        + server.certificateKey() + ")" : ""));
    }

    private static Finding noCommonGroup(ServerTls server, ClientHello h, String what) {
        return Finding.error("device.tls.no-common-group", what + ": the device offers "
                        + (h == null ? "unknown groups" : list(h.groupNames())) + "; the bridge takes "
                        + list(server.groups()) + (server.groupsEnforced() ? "" : " (the JDK engine's JVM-wide list)"),
                "enable secp256r1 (P-256) in the device's TLS stack (mbedTLS: MBEDTLS_ECP_DP_SECP256R1_ENABLED; "
                        + "wolfSSL: wolfSSL_UseSupportedCurve(ssl, WOLFSSL_ECC_SECP256R1))");
    }

    private static Finding untrusted(ServerTls server, String message) {
        return Finding.error("device.tls.untrusted-server", message,
                "the device must trust the bridge's CA" + (server.caFile() == null ? "" : " (" + server.caFile() + ")")
                        + ", have a correct clock (the certificate's validity is checked against it), and verify "
                        + "a host name the certificate names: " + list(server.serverNames()));
    }

    private static Finding closed(HandshakeObservation o, ServerTls server) {
        if (o.bytesToDevice() > 0) {
            return Finding.error("device.tls.closed", "the device closed the connection without an alert right "
                            + "after the bridge's certificate flight (" + o.bytesToDevice() + " bytes)",
                    "most embedded stacks do this when they cannot verify the certificate: wrong root, or a root "
                            + "their crypto cannot verify (e.g. ECDSA/P-384); the bridge's certificate is "
                            + server.certificateKey() + ": check the root the device trusts" + caText(server)
                            + " and its crypto support");
        }
        return Finding.error("device.tls.closed", "the device closed the connection without an alert after its "
                        + "ClientHello, before the bridge answered",
                "check the device's TLS log: it gave up before reading the bridge's reply");
    }

    private static boolean closed(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    /** An alert the engine says it received (BoringSSL: TLSV1_ALERT_UNKNOWN_CA; JDK: Received fatal alert: …). */
    static int receivedAlert(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            Matcher jdk = JDK_ALERT.matcher(m);
            if (jdk.find()) {
                return TlsNames.alertId(jdk.group(1));
            }
            Matcher boring = BORING_ALERT.matcher(m);
            if (boring.find()) {
                return TlsNames.alertId(boring.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return -1;
    }

    private static List<String> realSuites(ClientHello h) {
        return h.cipherSuites().stream().filter(id -> !TlsNames.isGrease(id) && id != 0x00ff && id != 0x5600)
                .map(TlsNames::suite).toList();
    }

    private static String preferredSuite(ServerTls server) {
        return server.suites().stream().filter(s -> !TlsNames.isTls13Suite(s)).findFirst()
                .orElse(server.suites().isEmpty() ? "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" : server.suites().get(0));
    }

    private static String firstName(ServerTls server) {
        return server.serverNames().isEmpty() ? "the bridge's host name" : server.serverNames().get(0);
    }

    private static String caText(ServerTls server) {
        return server.caFile() == null ? "" : " (" + server.caFile() + ")";
    }

    private static String served(HandshakeObservation o) {
        return o.served() == null ? "none" : o.served();
    }

    private static String failureText(HandshakeObservation o) {
        if (o.refusedSni()) {
            return "refused with alert " + TlsNames.alert(o.refusalAlert());
        }
        if (o.timedOut()) {
            return "timed out after " + o.millis() + " ms";
        }
        return o.failure() == null ? "no handshake" : Messages.cause(o.failure());
    }

    private static String records(HandshakeObservation o) {
        StringBuilder sb = new StringBuilder();
        for (HandshakeObservation.RecordSeen r : o.recordsAfterHello()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(switch (r.type()) {
                case 20 -> "change_cipher_spec";
                case 21 -> "alert";
                case 22 -> "handshake";
                case 23 -> "application_data";
                default -> "type " + r.type();
            }).append('(').append(r.length()).append(')');
            if (r.alert() >= 0) {
                sb.append(' ').append(TlsNames.alert(r.alert()));
            }
        }
        return sb.toString();
    }

    private static String list(List<String> items) {
        if (items.isEmpty()) {
            return "none";
        }
        if (items.size() <= MAX_LISTED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_LISTED)) + " and " + (items.size() - MAX_LISTED) + " more";
    }

    private static String summary(HandshakeObservation o, List<Finding> findings) {
        if (o.ok()) {
            return o.protocol() + " " + o.cipherSuite() + " (" + served(o) + " certificate)";
        }
        return findings.stream().filter(Finding::isError).findFirst().map(Finding::message)
                .orElse("the handshake did not complete");
    }
}
