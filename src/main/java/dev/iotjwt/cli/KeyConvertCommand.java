package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.cli.options.OutputFileOptions;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyConverter;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.Pem;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt key convert}: one key into the container and encoding a device or registry wants. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a key in another container and encoding: PKCS#8, PKCS#1 (RSA), SEC1 (EC private),"
                + " SubjectPublicKeyInfo (the public key), as PEM or DER. Private keys are written readable by the"
                + " owner only; PKCS#8 output can be encrypted (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256).",
                "Without --out, PEM goes to stdout; --format json reports what was written (with the PEM when it"
                        + " went to stdout)."})
final class KeyConvertCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The key (any form iotjwt key inspect reads).")
    Path file;

    @Option(names = "--to", required = true, paramLabel = "CONTAINER",
            description = "pkcs8, pkcs1, sec1 or spki.")
    Container to;

    @Option(names = "--encoding", paramLabel = "ENCODING", defaultValue = "pem",
            description = "pem or der (needs --out). Default: ${DEFAULT-VALUE}.")
    Encoding encoding;

    @Mixin
    OutputFileOptions output;

    @Mixin
    KeyPasswordOptions keyPassword;

    @ArgGroup(exclusive = true)
    OutPassword outPassword;

    static final class OutPassword {
        @Option(names = "--out-password-file", paramLabel = "FILE", required = true,
                description = "Encrypt the PKCS#8 output with the password in FILE.")
        Path file;

        @Option(names = "--out-password-env", paramLabel = "VAR", required = true,
                description = "Encrypt the PKCS#8 output with the password in environment variable VAR.")
        String env;
    }

    @Mixin
    FormatOptions format;

    enum Container { pkcs8, pkcs1, sec1, spki }

    enum Encoding { pem, der }

    KeyConvertCommand(CliContext context) {
        this.context = context;
    }

    /** The JSON shape; {@code pem} only when it went to stdout. */
    record Written(String source, String file, String what, String encoding, int bytes, boolean ownerOnly,
                   String publicKeySha256, String pem) {
    }

    @Override
    public Integer call() throws InputException {
        output.requireFileFor(encoding == Encoding.der, "--encoding der");
        if (outPassword != null && to != Container.pkcs8) {
            throw new ParameterException(spec.commandLine(), (outPassword.file != null ? "--out-password-file"
                    : "--out-password-env") + " encrypts PKCS#8 output only, not --to " + to + "; use --to pkcs8, or"
                    + " leave the password out");
        }
        KeyMaterial m = pick(new KeyReader().read(file, keyPassword.source(context)).usable());
        char[] password = outPassword == null ? null : outPassword.file != null
                ? KeyPasswordOptions.fromFile(outPassword.file)
                : KeyPasswordOptions.fromEnv(context, "--out-password-env", outPassword.env, "--out-password-file");
        KeyConverter.Output o = new KeyConverter().convert(m, KeyConverter.Target.valueOf(to.name().toUpperCase(
                java.util.Locale.ROOT)), password);
        if (m.privateKey() != null) {
            SecretWarnings.privateKeyFile(spec.commandLine(), file);
        }
        String pem = Pem.encode(o.pemLabel(), o.der());
        byte[] bytes = encoding == Encoding.der ? o.der() : pem.getBytes(StandardCharsets.US_ASCII);
        Path out = output.out();
        if (out != null) {
            output.write(bytes, o.secret());
        }
        String sha = Fingerprints.sha256(m.publicHalf());
        Renderer.render(spec.commandLine(), format.format(), new Written(file.toString(), out == null ? null
                : out.toString(), o.what(), encoding.name().toUpperCase(java.util.Locale.ROOT), bytes.length,
                out != null && o.secret(), sha, out == null ? pem : null), KeyConvertCommand::text);
        return ExitCodes.OK;
    }

    /** The text view: the PEM itself when it went to stdout, else a line saying what was written where. */
    private static void text(Written w, PrintWriter out) {
        if (w.file() == null) {
            out.print(w.pem());
        } else {
            out.println("wrote " + w.file() + ": " + w.what() + ", " + w.encoding() + ", " + w.bytes() + " bytes"
                    + (w.ownerOnly() ? ", readable by the owner only" : "") + "; public key SHA-256 "
                    + w.publicKeySha256());
        }
    }

    /** The private key of a file that also holds certificates; else its first item. */
    static KeyMaterial pick(List<KeyMaterial> items) {
        return items.stream().filter(i -> i.kind() == KeyMaterial.Kind.PRIVATE_KEY).findFirst()
                .orElse(items.get(0));
    }
}
