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
 * @param apiPort        the port of the device manager REST API on the same address; 0 picks a free one, -1 (the
 *                       default) serves no API
 * @param apiToken       the bearer token every API request must carry, or null for none
 * @param threads        the event-loop threads serving devices; 0: {@link #defaultThreads()}
 */
public record BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                             boolean requireSni, boolean strict, Duration skew, Clock clock, Duration connectTimeout,
                             int maxConnecting, TlsProfile tlsProfile, boolean nativeTls, int apiPort,
                             String apiToken, int threads) {
    /** The {@link #apiPort} of a bridge without the device manager API. */
    public static final int NO_API = -1;

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
        if (apiPort < NO_API || apiPort > 65535) {
            throw new IllegalArgumentException("apiPort must be -1 (none) or a TCP port");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (the default) or more");
        }
    }

    /**
     * The event-loop threads serving devices when none are given: half the processors, at least one. A local
     * bridge shares its machine with the devices, simulators and tests it serves. A connect costs the bridge about
     * 0.65 ms of CPU, TLS handshake and token included, so one thread serves some 1,500 a second; on two cores, two
     * threads took turns with the devices' own and the slowest connects waited longer (docs/performance.md).
     */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** The event-loop threads this bridge runs: {@link #threads} when given, else {@link #defaultThreads()}. */
    public int eventLoopThreads() {
        return threads > 0 ? threads : defaultThreads();
    }

    /** These settings with {@code n} event-loop threads (0: the default). */
    public BrokerSettings withThreads(int n) {
        return new BrokerSettings(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock,
                connectTimeout, maxConnecting, tlsProfile, nativeTls, apiPort, apiToken, n);
    }

    /** Settings without the device manager API. */
    public BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                          boolean requireSni, boolean strict, Duration skew, Clock clock, Duration connectTimeout,
                          int maxConnecting, TlsProfile tlsProfile, boolean nativeTls) {
        this(registry, bind, port, stateDir, hostnames, requireSni, strict, skew, clock, connectTimeout,
                maxConnecting, tlsProfile, nativeTls, NO_API, null, 0);
    }

    /** These settings with the device manager API on {@code port} (0: any free one), {@code token} or null. */
    public BrokerSettings withApi(int port, String token) {
        return new BrokerSettings(registry, bind, this.port, stateDir, hostnames, requireSni, strict, skew, clock,
                connectTimeout, maxConnecting, tlsProfile, nativeTls, port, token, threads);
    }

    /** Whether the bridge serves the device manager API. */
    public boolean api() {
        return apiPort != NO_API;
    }

    /** The token stays out of logs and exception messages. */
    @Override
    public String toString() {
        return "BrokerSettings[bind=" + bind + ", port=" + port + ", stateDir=" + stateDir + ", apiPort=" + apiPort
                + ", apiToken=" + (apiToken == null ? "none" : "<set>") + ", threads=" + threads + "]";
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
                connectTimeout, maxConnecting, profile, nativeProvider, apiPort, apiToken, threads);
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
