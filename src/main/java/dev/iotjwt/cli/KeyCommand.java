package dev.iotjwt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code iotjwt key}: the key material firmware and registries need. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = {"Inspect, convert, export, generate and match device keys."},
        subcommands = {KeyInspectCommand.class, KeyPublicCommand.class, KeyConvertCommand.class,
                KeyExportCommand.class, KeyGenerateCommand.class, KeyMatchCommand.class},
        footer = {"%nRun 'iotjwt key COMMAND --help' for a command's options."})
final class KeyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
