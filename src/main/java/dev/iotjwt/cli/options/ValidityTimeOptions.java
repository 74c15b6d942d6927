package dev.iotjwt.cli.options;

import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;

/** {@code --at TIME}: judge certificates' validity at a device's clock instead of now. */
public final class ValidityTimeOptions {
    @Option(names = "--at", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Judge validity at this time (a device's clock) instead of now.")
    Instant at;

    /** --at, or the clock's now. */
    public Instant at(Clock clock) {
        return at != null ? at : clock.instant();
    }
}
