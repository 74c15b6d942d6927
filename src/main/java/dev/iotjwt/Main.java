package dev.iotjwt;

import dev.iotjwt.cli.Cli;

/** Entry point: builds the command line, runs it, exits with its code. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(Cli.create(args).execute(args));
    }
}
