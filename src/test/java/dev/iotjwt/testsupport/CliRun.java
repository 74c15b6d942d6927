package dev.iotjwt.testsupport;

import dev.iotjwt.cli.Cli;
import dev.iotjwt.cli.CliContext;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs the real command line in-process with captured stdout and stderr, a fixed clock and a given environment. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    public static CliRun run(Map<String, String> env, String... args) {
        CommandLine cl = Cli.create(new CliContext(Fixtures.CLOCK, env, () -> null, () -> new java.io.ByteArrayInputStream(new byte[0])));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
