package dev.iotjwt.broker;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * How to run the local broker.
 *
 * @param registry   the devices it accepts
 * @param bind       the address to listen on (127.0.0.1 unless told otherwise)
 * @param port       the TLS port; 0 picks a free one
 * @param stateDir   where its CA and server certificate live
 * @param hostnames  the names (and addresses) its server certificate covers
 * @param requireSni refuse clients without SNI as Google's front end did (a placeholder certificate), and SNI names
 *                   it does not serve (alert unrecognized_name)
 * @param strict     also refuse padding and other non-canonical token encodings
 * @param skew       the clock skew allowed for iat and exp (IoT Core: 10 minutes)
 * @param clock      the time tokens are judged at
 */
public record BrokerSettings(Registry registry, String bind, int port, Path stateDir, List<String> hostnames,
                             boolean requireSni, boolean strict, Duration skew, Clock clock) {
    public BrokerSettings {
        hostnames = List.copyOf(hostnames);
    }
}
