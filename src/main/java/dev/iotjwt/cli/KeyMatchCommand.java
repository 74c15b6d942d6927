package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.material.KeyMatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    KeyMatchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        List<KeyMaterial> first = new KeyLoader().read(key, keyPassword.source(context));
        List<KeyMaterial> second = new KeyLoader().read(other, keyPassword.source(context));
        Path privateFile = key;
        Path otherFile = other;
        if (privateKeyOf(first) == null && privateKeyOf(second) != null) {
            // one private key and one public key or certificate: the order is not in doubt
            List<KeyMaterial> t = first;
            first = second;
            second = t;
            privateFile = other;
            otherFile = key;
        }
        KeyMaterial priv = privateKeyOf(first);
        if (priv == null) {
            throw new InputException(key + ": is " + KeyLoader.article(first.get(0).describe()) + ", not a private"
                    + " key, and " + other + " holds no private key either", "the order is: iotjwt key match PRIVATE_KEY"
                    + " PUBLIC_KEY_OR_CERT");
        }
        SecretWarnings.privateKeyFile(spec.commandLine(), privateFile);
        KeyMaterial pub = KeyLoader.publicOf(second, otherFile);
        KeyMatcher.Match m = new KeyMatcher().match(priv, pub);
        if (format == ReportFormat.json) {
            spec.commandLine().getOut().println(Json.write(m));
        } else {
            spec.commandLine().getOut().println((m.matches() ? "match: " : "no match: ") + m.detail());
        }
        spec.commandLine().getOut().flush();
        return m.matches() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    private static KeyMaterial privateKeyOf(List<KeyMaterial> items) {
        return items.stream().filter(i -> i.kind() == KeyMaterial.Kind.PRIVATE_KEY).findFirst().orElse(null);
    }
}
