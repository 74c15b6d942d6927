package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.material.KeyMatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code iotjwt key match}: does this private key belong to that public key or certificate. */
@Command(name = "match", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Say whether a private key belongs to a public key or certificate (exit 0) or not (exit 1):"
                + " it signs with the private key and verifies with the other's public key."})
final class KeyMatchCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KEY", description = "The private key (the two files may come in either"
            + " order).")
    Path key;

    @Parameters(index = "1", paramLabel = "OTHER", description = "The public key, certificate or registered PEM.")
    Path other;

    @Mixin
    KeyPasswordOptions keyPassword;

    @Mixin
    FormatOptions format;

    KeyMatchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        KeyMatcher.FileMatch result = new KeyMatcher().match(key, other, keyPassword.source(context));
        SecretWarnings.privateKeyFile(spec.commandLine(), result.privateKeyFile());
        KeyMatcher.Match m = result.match();
        Renderer.render(spec.commandLine(), format.format(), m,
                (r, out) -> out.println((r.matches() ? "match: " : "no match: ") + r.detail()));
        return m.matches() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }
}
