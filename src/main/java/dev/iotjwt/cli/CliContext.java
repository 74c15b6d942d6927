package dev.iotjwt.cli;

import java.io.Console;
import java.io.InputStream;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands take from the world outside their options: the clock, the environment, the terminal and standard
 * input. Tests give their own.
 */
public record CliContext(Clock clock, Map<String, String> env, Supplier<Console> console, Supplier<InputStream> stdin) {
    public static CliContext system() {
        return new CliContext(Clock.systemUTC(), System.getenv(), System::console, () -> System.in);
    }
}
