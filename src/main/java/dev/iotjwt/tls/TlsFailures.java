package dev.iotjwt.tls;

import dev.iotjwt.diagnose.Finding;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a failed handshake's exception chain into a finding. Walks causes; keys on alerts, not exception classes. */
public final class TlsFailures {
    /** JSSE's words for an alert received, and BoringSSL's (SSLV3_ALERT_HANDSHAKE_FAILURE, TLSV1_ALERT_UNKNOWN_CA). */
    private static final Pattern ALERT = Pattern.compile("(?:Received fatal alert: |:SSLV3_ALERT_|:TLSV1_ALERT_)(\\w+)");
    /** JSSE's words when a handshake message is larger than jdk.tls.maxHandshakeMessageSize. */
    private static final Pattern MESSAGE_SIZE = Pattern.compile("size of the handshake message \\((\\d+)\\) exceeds"
            + " the maximum allowed size \\((\\d+)\\)");
    /** JSSE's words when the chain is longer than jdk.tls.maxCertificateChainLength (it stops counting at max + 1). */
    private static final Pattern CHAIN_LENGTH = Pattern.compile("certificate chain length \\((\\d+)\\) exceeds the"
            + " maximum allowed length \\((\\d+)\\)");

    private TlsFailures() {
    }

    public static Finding classify(Throwable error, long timeoutMillis) {
        String all = messages(error);
        Matcher m = ALERT.matcher(all);
        if (m.find()) {
            String alert = m.group(1).toLowerCase(java.util.Locale.ROOT);
            return switch (alert) {
                case "protocol_version" -> Finding.error("tls.protocol-version", "the server refused the TLS version"
                        + " offered (alert protocol_version)", "offer TLS 1.2 or 1.3; IoT Core needs at least 1.2");
                case "handshake_failure", "insufficient_security" -> Finding.error("tls.no-common-cipher", "the"
                        + " server found no cipher suite (or curve) in common (alert " + alert + ")", "offer the"
                        + " AES-GCM ECDHE_ECDSA and ECDHE_RSA suites and the P-256 curve; an ECDSA certificate needs"
                        + " ECDHE_ECDSA suites");
                case "unrecognized_name" -> Finding.error("tls.sni-rejected", "the server does not serve the SNI name"
                        + " sent (alert unrecognized_name)", "send the broker's host name as SNI; never an IP"
                        + " address");
                default -> Finding.error("tls.alert", "the server ended the handshake with alert " + alert
                        + explainAlert(alert), null);
            };
        }
        Matcher size = MESSAGE_SIZE.matcher(all);
        if (size.find()) {
            return Finding.error("tls.message-too-large", "the server sent a TLS handshake message of "
                    + size.group(1) + " bytes; Java accepts at most " + size.group(2)
                    + " (jdk.tls.maxHandshakeMessageSize) and devices' TLS stacks far less (mbedTLS reads 16 KB by"
                    + " default): as a rule this is the server's certificate chain, with too many or oversized"
                    + " certificates", "the broker is misconfigured (it should send its certificate and one or two"
                    + " intermediates, a few KB) or this is not the broker; to look at the chain anyway, run Java with"
                    + " -Djdk.tls.maxHandshakeMessageSize=" + size.group(1));
        }
        Matcher chain = CHAIN_LENGTH.matcher(all);
        if (chain.find()) {
            return Finding.error("tls.chain-too-long", "the server sent a certificate chain of more than "
                    + chain.group(2) + " certificates; Java accepts at most " + chain.group(2)
                    + " (jdk.tls.maxCertificateChainLength) and devices' TLS stacks far fewer (mbedTLS allows 8"
                    + " intermediates by default)", "the broker is misconfigured (it should send its certificate and"
                    + " one or two intermediates) or this is not the broker");
        }
        if (has(error, SocketTimeoutException.class)) {
            return Finding.error("tls.timeout", "TCP connected but the server sent no TLS answer within "
                    + timeoutMillis + " ms", "the port may not terminate TLS, or a middlebox swallows the traffic;"
                    + " check the port (8883 or 443)");
        }
        if (all.contains("Unsupported or unrecognized SSL message") || all.contains("plaintext connection")
                || all.contains(":WRONG_VERSION_NUMBER") || all.contains("not an SSL/TLS record")) {
            return Finding.error("tls.not-tls", "the server answered in cleartext, not TLS", "use the broker's TLS"
                    + " port (8883 or 443), not a plain MQTT or HTTP port");
        }
        if (all.contains("No appropriate protocol")) {
            return Finding.error("tls.protocol-version", "this client cannot offer the TLS version asked for (" +
                    firstLine(all) + ")", "use --tls-version TLSv1.2 or TLSv1.3");
        }
        if (has(error, EOFException.class) || all.contains("Remote host terminated")
                || all.contains("Connection reset") || has(error, SocketException.class)
                || has(error, java.nio.channels.ClosedChannelException.class)) {
            return Finding.error("tls.closed", "the server dropped the connection during the TLS handshake ("
                    + firstLine(all) + ")", "often SNI or version/suite filtering: see the follow-up probes");
        }
        return Finding.error("tls.alert", "the TLS handshake failed: " + firstLine(all), null);
    }

    /**
     * Whether a handshake failed because the connection was lost (closed, reset, timed out) rather than because a
     * party refused something: a handshake that got the server's certificate and then lost the connection does not
     * show that the version or suite works.
     */
    public static boolean connectionLost(Throwable error) {
        if (error == null) {
            return false;
        }
        String all = messages(error);
        return !ALERT.matcher(all).find() && (has(error, EOFException.class) || has(error, SocketException.class)
                || has(error, SocketTimeoutException.class) || all.contains("Remote host terminated")
                || all.contains("Connection reset"));
    }

    private static String explainAlert(String alert) {
        return switch (alert) {
            case "bad_certificate", "unknown_ca", "certificate_unknown", "certificate_required" ->
                    ": the server rejected or wanted a client certificate (mTLS); IoT Core devices log in with a JWT,"
                            + " so this is a proxy or the wrong endpoint";
            case "access_denied" -> ": a server policy or ACL refused this client";
            case "internal_error" -> ": a server-side fault, or it has no certificate for the signature schemes"
                    + " offered";
            default -> "";
        };
    }

    static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
        }
        return sb.toString();
    }

    /** The first exception's message, without its class name. */
    private static String firstLine(String all) {
        int bar = all.indexOf(" | ");
        String first = bar > 0 ? all.substring(0, bar) : all;
        return first.replaceFirst("^[A-Za-z0-9_$]*(Exception|Error): ", "");
    }
}
