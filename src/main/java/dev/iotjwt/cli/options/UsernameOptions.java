package dev.iotjwt.cli.options;

import picocli.CommandLine.Option;

/** {@code --username}: the MQTT user name a device sends; IoT Core ignores it. */
public final class UsernameOptions {
    @Option(names = "--username", paramLabel = "NAME", defaultValue = "unused",
            description = "MQTT user name; IoT Core ignores it (default: ${DEFAULT-VALUE}).")
    String username;

    public String username() {
        return username;
    }
}
