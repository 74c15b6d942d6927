package dev.iotjwt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code iotjwt}: the root; every job is a subcommand. */
@Command(name = "iotjwt", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = {"Mint, check and connect with IoT-Core-style device JWTs over MQTT/TLS; inspect and convert keys"
                + " and certificates; run a local IoT-Core-compatible broker."},
        footer = {"%nRun 'iotjwt COMMAND --help' for a command's options."})
public final class RootCommand implements Runnable {
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces of internal errors and more detail.")
    boolean verbose;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {"iotjwt " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
