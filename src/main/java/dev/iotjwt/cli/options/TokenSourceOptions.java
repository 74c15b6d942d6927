package dev.iotjwt.cli.options;

import dev.iotjwt.cli.CliContext;
import dev.iotjwt.keys.PasswordSource;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The device's password: a token minted here from {@code --key} (with its password options and {@code --ttl}), or
 * one made elsewhere, {@code --jwt TOKEN|@FILE}. Exactly one of the two.
 */
public final class TokenSourceOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--key", paramLabel = "FILE", required = true,
                description = "The device's private key: a token is minted from it.")
        Path key;

        @Option(names = "--jwt", paramLabel = "TOKEN|@FILE", required = true,
                description = "A token made elsewhere (the firmware's own); checked like iotjwt check does.")
        String jwt;
    }

    @Mixin
    KeyPasswordOptions keyPassword;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "20m",
            converter = Converters.DurationConverter.class,
            description = "Lifetime of a token minted from --key (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    /** The private key to mint from, or null with --jwt. */
    public Path key() {
        return source.key;
    }

    /** The token given with --jwt (TOKEN or @FILE), or null with --key; --ttl with it is a usage error. */
    public String jwt() {
        if (source.jwt != null && Checks.given(mixee.commandLine(), "--ttl")) {
            throw new ParameterException(mixee.commandLine(), "--ttl goes with --key (a token minted here), not with"
                    + " --jwt");
        }
        return source.jwt;
    }

    public Duration ttl() {
        return ttl;
    }

    public PasswordSource passwords(CliContext context) {
        return keyPassword.source(context);
    }
}
