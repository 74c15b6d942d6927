package dev.iotjwt.cli.options;

import dev.iotjwt.Messages;
import dev.iotjwt.material.CHeader;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --as c|der|pem [--name IDENT] [--out FILE [--force]]}: key and certificate bytes as a device embeds them. */
public final class ExportOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--as", required = true, paramLabel = "FORM", description = "c, der (needs --out) or pem.")
    ExportForm as;

    @Option(names = "--name", paramLabel = "IDENT", description = "The C identifier; a bundle's arrays are IDENT_0,"
            + " IDENT_1, … (default: from the file name).")
    String name;

    @Mixin
    OutputFileOptions output;

    /** The form; DER without --out, or a --name no C compiler takes, is a usage error. */
    public ExportForm as() {
        output.requireFileFor(as == ExportForm.der, "--as der");
        if (name != null && CHeader.problem(name) != null) {
            throw new ParameterException(mixee.commandLine(), "--name '" + Messages.quote(name, 60) + "' "
                    + CHeader.problem(name) + "; give another name, such as " + CHeader.ident(name + "_der"));
        }
        return as;
    }

    /** The C identifier: --name, or one made from {@code fileStem}. */
    public String ident(String fileStem) {
        return name != null ? name : CHeader.ident(fileStem);
    }

    public OutputFileOptions output() {
        return output;
    }
}
