package dev.iotjwt.broker;

import dev.iotjwt.broker.tls.TlsProfile;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How to run the local broker.
 *
 * @param registry       the devices it accepts
 * @param bind           the address to listen on (127.0.0.1 unless told otherwise)
 * @param port           the TLS port; 0 picks a free one
 * @param stateDir       where its CA and server certificate live
 * @param hostnames      the names (and addresses) its server certificate covers
 * @param requireSni     refuse clients without SNI as Google's front end did (a placeholder certificate), and SNI
 *                       names it does not serve (alert unrecognized_name)
 * @param strict         also refuse padding and other non-canonical token encodings
 * @param skew           the clock skew allowed for iat and exp (IoT Core: 10 minutes)
 * @param clock          the time tokens are judged at
 * @param connectTimeout how long a connection may take from TCP accept to a complete CONNECT, TLS handshake
 *                       included; one without a complete CONNECT by then is closed, however it trickles bytes
 *                       (rounded up to whole seconds, at least one)
 * @param maxConnecting  how many connections may wait for their CONNECT at once
 * @param tlsProfile     which front end's TLS the bridge accepts
 * @param nativeTls      BoringSSL where its native library loads (false: the JDK's TLS engine)
 */
public record BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                             boolean requireSni, boolean strict, Duration skew, Clock clock, Duration connectTimeout,
                             int maxConnecting, TlsProfile tlsProfile, boolean nativeTls) {
    /** The CONNECT wait when none is given: as long as Netty's TLS handshake bound. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How many connections may wait for their CONNECT at once when no limit is given: far above a fleet's
     * reconnect storm at 10 s each, far below what a process's 1,024 default file descriptors hold, and a few MB of
     * TLS engines.
     */
    public static final int MAX_CONNECTING = 512;

    public BrokerSettings {
        hostnames = List.copyOf(hostnames);
        if (maxConnecting < 1) {
            throw new IllegalArgumentException("maxConnecting must be at least 1");
        }
        java.util.Objects.requireNonNull(tlsProfile, "tlsProfile");
    }

    /** Settings with the bridge's own TLS choice, native where it loads. */
    public BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                          boolean requireSni, boolean strict, Duration skew, Clock clock, Duration connectTimeout,
                          int maxConnecting) {
        this(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock, connectTimeout,
                maxConnecting, TlsProfile.DEFAULT, true);
    }

    /** These settings with another TLS profile and provider. */
    public BrokerSettings withTls(TlsProfile profile, boolean nativeProvider) {
        return new BrokerSettings(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock,
                connectTimeout, maxConnecting, profile, nativeProvider);
    }

    /** Settings with the default limit of connections waiting for their CONNECT ({@link #MAX_CONNECTING}). */
    public BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                          boolean requireSni, boolean strict, Duration skew, Clock clock, Duration connectTimeout) {
        this(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock, connectTimeout,
                MAX_CONNECTING);
    }

    /** Settings with the default CONNECT wait ({@link #CONNECT_TIMEOUT}). */
    public BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                          boolean requireSni, boolean strict, Duration skew, Clock clock) {
        this(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock, CONNECT_TIMEOUT);
    }
}
