package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.ExportForm;
import dev.iotjwt.cli.options.ExportOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyConverter;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.Pem;
import dev.iotjwt.material.CHeader;
import dev.iotjwt.material.KeyFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iotjwt key export}: the key's bytes as a device embeds them. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a key's DER bytes as a C header (const unsigned char IDENT[] = {…}; const unsigned int"
                + " IDENT_len = N;), as DER or as PEM, in the container it was read in or the one given with --to.",
                "Without --out, C and PEM go to stdout. Private key files are written readable by the owner only."})
final class KeyExportCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The key (any form iotjwt key inspect reads).")
    Path file;

    @Option(names = "--to", paramLabel = "CONTAINER", description = "pkcs8, pkcs1, sec1, spki, or raw (the 32-byte"
            + " EC private scalar). Default: the container it was read in.")
    String to;

    @Mixin
    ExportOptions export;

    @Mixin
    KeyPasswordOptions keyPassword;

    KeyExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        ExportForm as = export.as();
        KeyConverter.Target target;
        try {
            target = to == null ? null : KeyConverter.Target.valueOf(to.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--to '" + to + "' is not one of pkcs8, pkcs1, sec1,"
                    + " spki, raw");
        }
        KeyMaterial m = KeyConvertCommand.pick(new KeyReader().read(file, keyPassword.source(context)).usable());
        KeyConverter.Output o = new KeyConverter().convert(m, target == null ? KeyConverter.asRead(m) : target, null);
        if (m.privateKey() != null) {
            SecretWarnings.privateKeyFile(spec.commandLine(), file);
        }
        String sha = Fingerprints.sha256(m.publicHalf());
        KeyFacts facts = KeyFacts.of(m);
        String refused = facts.iotCore() ? "" : "; WARNING IoT Core " + facts.verdict();
        if (!facts.iotCore()) {
            // written anyway (a device may use it elsewhere), but never without a word
            spec.commandLine().getErr().println("iotjwt: warning: " + file + ": IoT Core " + facts.verdict());
        }
        byte[] bytes = switch (as) {
            case der -> o.der();
            case pem -> {
                if (o.pemLabel() == null) {
                    throw new ParameterException(spec.commandLine(), "a raw EC scalar has no PEM form; use --as c or"
                            + " --as der");
                }
                yield Pem.encode(o.pemLabel(), o.der()).getBytes(StandardCharsets.US_ASCII);
            }
            case c -> CHeader.render(List.of(new CHeader.Array(export.ident(file.getFileName().toString()
                    .replaceFirst("\\.[^.]*$", "") + "_" + o.target().name().toLowerCase(Locale.ROOT)), o.der(),
                    o.what() + ", " + o.der().length + " bytes; public key SHA-256 " + sha + (o.secret()
                    ? "; a private key: keep this file out of version control" : "") + refused)), file.toString())
                    .getBytes(StandardCharsets.US_ASCII);
        };
        Path out = export.output().out();
        if (out != null) {
            export.output().write(bytes, o.secret());
            spec.commandLine().getOut().println("wrote " + out + ": " + o.what() + " as " + as + ", " + bytes.length
                    + " bytes" + (o.secret() ? ", readable by the owner only" : ""));
        } else {
            spec.commandLine().getOut().print(new String(bytes, StandardCharsets.US_ASCII));
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }
}
