package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.material.KeyFacts;
import dev.iotjwt.material.KeyInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt key inspect}: what a key file is and whether IoT Core takes it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Say what a key file holds: private or public, RSA size or EC curve, container, encoding, the"
                + " SHA-256 fingerprint of its public key, the JWT algorithm it serves and whether IoT Core accepts"
                + " it.",
                "Reads PEM, DER and bare base64, and the forms firmware people hold: a C array or hex dump of DER"
                        + " bytes, and the EC private scalar as 'openssl ec -noout -text' prints it."})
final class KeyInspectCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The key, public key or certificate file.")
    Path file;

    @Mixin
    KeyPasswordOptions keyPassword;

    @Mixin
    FormatOptions format;

    KeyInspectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        KeyInspector.Inspection inspection = new KeyInspector().inspect(file, keyPassword.source(context));
        if (inspection.holdsPrivateKey()) {
            SecretWarnings.privateKeyFile(spec.commandLine(), file);
        }
        Renderer.render(spec.commandLine(), format.format(), new Report(inspection.items()), KeyFactsView::render);
        return ExitCodes.OK;
    }

    /** The JSON shape: every item of the file. */
    record Report(List<KeyFacts> items) {
    }
}
