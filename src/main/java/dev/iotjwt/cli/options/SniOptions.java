package dev.iotjwt.cli.options;

import dev.iotjwt.tls.TlsSockets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --sni NAME | --no-sni}: the server name a device sends, or none; by default the host dialled. */
public final class SniOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--sni", paramLabel = "NAME", required = true, description = "SNI name to send (default: the"
                + " host name). It picks the certificate the server presents; the name verified stays the host"
                + " dialled.")
        String name;

        @Option(names = "--no-sni", required = true, description = "Send no SNI, as some device stacks do.")
        boolean none;
    }

    /** True when {@code --sni} or {@code --no-sni} was given. */
    public boolean given() {
        return choice != null;
    }

    /** The name to send for a connection to {@code host}: --sni's, none with --no-sni, else the host if SNI allows. */
    public String sniFor(String host) {
        if (choice != null) {
            return choice.none ? null : choice.name;
        }
        return TlsSockets.sniAllowed(host) ? host : null;
    }

    /** Whether SNI is sent at all (false with --no-sni). */
    public boolean send() {
        return choice == null || !choice.none;
    }

    /** {@code --sni}'s name, or null. */
    public String name() {
        return choice == null ? null : choice.name;
    }
}
