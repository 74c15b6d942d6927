package dev.iotjwt.bench;

import java.time.Duration;

/** The finding code of a device's connection that failed before MQTT: TCP, the handshake, the chain or the name. */
final class BenchFailures {
    private BenchFailures() {
    }

    /** The codes {@code connect} gives for the same fault (DESIGN.md's contract), from either TLS engine's words. */
    static String networkCode(Throwable e, Duration timeout) {
        if (e instanceof java.net.ConnectException) {
            return "tcp.refused";
        }
        StringBuilder all = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            all.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
        }
        String m = all.toString();
        if (m.contains("CertificateExpiredException")) {
            return "trust.expired";
        }
        if (m.contains("CertificateNotYetValidException")) {
            return "trust.not-yet-valid";
        }
        if (m.contains("No subject alternative") || m.contains("No name matching")) {
            return "trust.hostname-mismatch";
        }
        if (m.contains("PKIX path") || m.contains("CertPathValidatorException")) {
            return "trust.unknown-ca";
        }
        return dev.iotjwt.tls.TlsFailures.classify(e, timeout.toMillis()).code();
    }
}
