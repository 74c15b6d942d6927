package dev.iotjwt.cli.options;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code --data TEXT | --data-file FILE}: the payload of a config or a command; exactly one of the two. */
public final class PayloadOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    static final class Choice {
        @Option(names = "--data", paramLabel = "TEXT", required = true, description = "The payload, as UTF-8 text.")
        String text;

        @Option(names = "--data-file", paramLabel = "FILE", required = true, description = "The payload: the"
                + " file's bytes as they are (binary or text).")
        Path file;
    }

    /** The payload's bytes: the text as UTF-8, or the file's bytes as they are (at most 1 MiB). */
    public byte[] bytes() throws InputException {
        return choice.text != null ? choice.text.getBytes(StandardCharsets.UTF_8) : InputFiles.read(choice.file,
                1 << 20, "a config or command payload (IoT Core's limits: 64 KiB a config, 256 KiB a command)");
    }
}
