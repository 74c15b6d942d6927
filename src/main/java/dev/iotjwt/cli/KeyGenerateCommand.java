package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.material.KeyGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code iotjwt key generate}: a device key pair as IoT Core's documentation made them. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Make a device key pair as IoT Core's documentation did (RSA 2048 or EC P-256): NAME_private.pem"
                + " (PKCS#8, readable by the owner only), NAME_public.pem (register as RSA_PEM or ES256_PEM) and a"
                + " self-signed NAME_cert.pem (register as RSA_X509_PEM or ES256_X509_PEM)."})
final class KeyGenerateCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "rsa or ec.")
    KeyGenerator.Type type;

    @Option(names = "--out-dir", required = true, paramLabel = "DIR", description = "Folder for the three files.")
    Path outDir;

    @Option(names = "--name", paramLabel = "NAME", description = "File name prefix (default: rsa or ec).")
    String name;

    @Option(names = "--cert-days", paramLabel = "N", defaultValue = "365",
            description = "Validity of the self-signed certificate in days (default: ${DEFAULT-VALUE}).")
    int certDays;

    @Option(names = "--force", description = "Overwrite existing files.")
    boolean force;

    @Mixin
    FormatOptions format;

    KeyGenerateCommand(CliContext context) {
        this.context = context;
    }

    /** The JSON shape (paths as strings). */
    record Made(String type, String privateKey, String publicKey, String certificate, String fingerprint,
                String publicFormat, String certFormat, String certExpires) {
    }

    @Override
    public Integer call() throws InputException {
        String prefix = name != null ? name : type.name();
        if (!prefix.matches("[A-Za-z0-9._-]+")) {
            throw new ParameterException(spec.commandLine(), "--name '" + prefix + "': use letters, digits, . _ -");
        }
        Checks.within(spec.commandLine(), "--cert-days", certDays, 1, 36500);
        KeyGenerator.Generated g = new KeyGenerator().generate(type, outDir, prefix, certDays, force,
                context.clock().instant());
        Renderer.render(spec.commandLine(), format.format(), new Made(g.type(), g.privateKey().toString(),
                g.publicKey().toString(), g.certificate().toString(), g.fingerprint(), g.publicFormat(),
                g.certFormat(), g.certExpires().toString()), KeyGenerateCommand::text);
        return ExitCodes.OK;
    }

    /** The text view: the three files and what to do with each. */
    private static void text(Made g, PrintWriter out) {
        out.println("made a device key pair, " + g.type() + " (public key SHA-256 " + g.fingerprint() + ")");
        out.println("  " + g.privateKey() + "   private key, PKCS#8 PEM, readable by the owner only: stays on the"
                + " device");
        out.println("  " + g.publicKey() + "    public key: register as " + g.publicFormat());
        out.println("  " + g.certificate() + "      self-signed certificate, valid to " + g.certExpires()
                + ": or register as " + g.certFormat());
        out.println("next: iotjwt mint --key " + g.privateKey() + " --project PROJECT");
    }
}
