package dev.iotjwt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code iotjwt cert}: certificates in files, bundles and on servers. */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = {"Inspect and export certificates: the roots a device embeds, the chain a server presents."},
        subcommands = {CertInspectCommand.class, CertExportCommand.class},
        footer = {"%nRun 'iotjwt cert COMMAND --help' for a command's options."})
final class CertCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
