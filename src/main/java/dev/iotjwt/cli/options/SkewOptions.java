package dev.iotjwt.cli.options;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;

/** {@code --skew}: the clock skew a bridge allows when it judges iat and exp; IoT Core's by default. */
public final class SkewOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--skew", paramLabel = "DURATION", defaultValue = "10m",
            converter = Converters.DurationConverter.class,
            description = "Clock skew allowed for iat and exp (default: ${DEFAULT-VALUE}, as IoT Core).")
    Duration skew;

    /** The skew; a negative one is a usage error. */
    public Duration skew() {
        Checks.notNegative(mixee.commandLine(), "--skew", skew);
        return skew;
    }
}
