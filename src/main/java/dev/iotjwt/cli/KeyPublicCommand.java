package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.cli.options.OutputFileOptions;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.Pem;
import dev.iotjwt.material.KeyFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.util.concurrent.Callable;

/** {@code iotjwt key public}: the PEM to register and the format to register it as. */
@Command(name = "public", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the public key PEM to register for a device (from its private key, its public key or"
                + " its certificate) and say which registry format to choose: RSA_PEM or ES256_PEM, or RSA_X509_PEM or"
                + " ES256_X509_PEM for a certificate (whose PEM is then printed).",
                "The PEM goes to stdout (or --out); the format and fingerprint to stderr. --format json prints"
                        + " {format, pem, fingerprint, …} instead."},
        exitCodeListHeading = "%nExit codes:%n")
final class KeyPublicCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Private key, public key or certificate.")
    Path file;

    @Mixin
    KeyPasswordOptions keyPassword;

    @Mixin
    OutputFileOptions output;

    @Mixin
    FormatOptions format;

    KeyPublicCommand(CliContext context) {
        this.context = context;
    }

    /** The JSON shape. */
    record Registration(String source, String format, String fingerprint, boolean iotCore, String verdict,
                        String pem) {
    }

    @Override
    public Integer call() throws InputException {
        KeyMaterial m = new KeyReader().publicKey(file, keyPassword.source(context));
        if (m.privateKey() != null) {
            SecretWarnings.privateKeyFile(spec.commandLine(), file);
        }
        KeyFacts facts = KeyFacts.of(m);
        String pem;
        try {
            pem = m.certificate() != null ? Pem.encode("CERTIFICATE", m.certificate().getEncoded())
                    : Pem.encode("PUBLIC KEY", m.publicHalf().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new InputException(null, file + ": cannot encode the certificate: " + e.getMessage(), null, e);
        }
        Path outFile = output.out();
        if (outFile != null) {
            output.write(pem.getBytes(StandardCharsets.US_ASCII), false);
        }
        if (format.json()) {
            spec.commandLine().getOut().println(Json.write(new Registration(file.toString(), facts.registerAs(),
                    facts.fingerprint(), facts.iotCore(), facts.verdict(), pem)));
        } else {
            if (outFile == null) {
                spec.commandLine().getOut().print(pem);
                spec.commandLine().getOut().flush();
            }
            spec.commandLine().getErr().println(facts.registerAs() != null
                    ? "register as " + facts.registerAs() + (outFile == null ? "" : " (written to " + outFile + ")")
                    + "; public key SHA-256 " + facts.fingerprint()
                    : "iotjwt: " + file + ": IoT Core " + facts.verdict());
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return facts.iotCore() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }
}
