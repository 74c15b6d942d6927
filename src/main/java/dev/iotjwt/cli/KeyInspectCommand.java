package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.material.KeyFacts;
import dev.iotjwt.material.KeyInspector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
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

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    KeyInspectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        KeyInspector.Inspection inspection = new KeyInspector().inspect(file, keyPassword.source(context));
        if (inspection.holdsPrivateKey()) {
            SecretWarnings.privateKeyFile(spec.commandLine(), file);
        }
        List<KeyFacts> facts = inspection.items();
        PrintWriter out = spec.commandLine().getOut();
        if (format == ReportFormat.json) {
            out.println(Json.write(new Report(facts)));
        } else {
            for (KeyFacts f : facts) {
                render(out, f);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The JSON shape: every item of the file. */
    record Report(List<KeyFacts> items) {
    }

    static void render(PrintWriter out, KeyFacts f) {
        out.println(f.source() + ": " + f.type() + " " + f.kind() + (f.subject() == null ? ""
                : " '" + f.subject() + "'"));
        out.println("  container   " + (f.encrypted() ? "encrypted " : "") + f.container() + ", " + f.encoding());
        if (f.fingerprint() != null) {
            out.println("  public key  SHA-256 " + f.fingerprint());
        }
        out.println("  JWT         " + (f.jwtAlg() == null ? f.encrypted() && f.fingerprint() == null
                ? "unknown until decrypted" : "none" : f.jwtAlg() + (f.jwtAlg().equals("RS256")
                || f.jwtAlg().equals("ES256") ? "" : f.jwtAlg().startsWith("ES") && !f.jwtAlg().equals("ES256K")
                ? " (IoT Core accepts only ES256)" : " (IoT Core accepts only RS256 and ES256)")));
        out.println("  IoT Core    " + f.verdict());
        if (f.registerAs() != null) {
            out.println("  register    as " + f.registerAs() + (KeyMaterial.Kind.CERTIFICATE.text().equals(f.kind())
                    ? " (the certificate), or its public key as " + f.registerAs().replace("_X509", "")
                    : " (its public key: iotjwt key public " + f.source() + ")"));
        }
        if (f.note() != null) {
            out.println("  note        " + f.note());
        }
    }
}
