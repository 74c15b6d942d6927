package dev.iotjwt.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server to dial: {@code --host}, {@code --port}, {@code --ca}. Each command says its defaults (a profile's,
 * the local broker's) in its own description; what is not given is null or empty here.
 */
public final class TargetOptions {
    @Option(names = "--host", paramLabel = "HOST", description = "Host name (or address) of the server to dial.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", converter = Converters.PortConverter.class,
            description = "Its TCP port (default 8883).")
    Integer port;

    @Option(names = "--ca", paramLabel = "FILE", description = "Root CA file(s) to verify the server with, PEM or"
            + " DER, single or bundles. Repeatable.")
    List<Path> ca = new ArrayList<>();

    /** {@code --host}, or {@code fallback} when not given. */
    public String host(String fallback) {
        return host != null ? host : fallback;
    }

    /** {@code --port}, or {@code fallback} when not given. */
    public int port(int fallback) {
        return port != null ? port : fallback;
    }

    public Integer port() {
        return port;
    }

    public List<Path> ca() {
        return List.copyOf(ca);
    }
}
