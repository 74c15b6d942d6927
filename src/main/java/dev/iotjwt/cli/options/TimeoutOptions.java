package dev.iotjwt.cli.options;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** {@code --timeout}: the bound of every network wait of a command (DNS, TCP, TLS, MQTT), positive. */
public final class TimeoutOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "Bound of every network step (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The bound; a zero or negative one is a usage error. */
    public Duration timeout() {
        Checks.positive(mixee.commandLine(), "--timeout", timeout);
        return timeout;
    }
}
