package dev.iotjwt.cli.options;

import dev.iotjwt.InputException;
import dev.iotjwt.material.OutputFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** {@code --out FILE [--force]}: where a command writes what it makes instead of stdout. */
public final class OutputFileOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
    Path out;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    /** The file, or null for stdout. */
    public Path out() {
        return out;
    }

    /** {@code choice} (such as "--as der") writes binary: without --out that is a usage error. */
    public void requireFileFor(boolean binary, String choice) {
        if (binary && out == null) {
            throw new ParameterException(mixee.commandLine(), choice + " needs --out FILE (DER is binary)");
        }
    }

    /** Writes {@code bytes} to --out; {@code secret} makes the file readable by the owner only. */
    public void write(byte[] bytes, boolean secret) throws InputException {
        OutputFiles.write(out, bytes, secret, force);
    }
}
