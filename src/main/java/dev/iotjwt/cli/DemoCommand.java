package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.TimeoutOptions;
import dev.iotjwt.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code iotjwt demo}: the whole flow against an in-process broker, with nothing to set up. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show the whole flow on this machine, offline: a device key pair, a registry, the local"
                + " broker, a token, a diagnosed connection that publishes telemetry and receives its config, and one"
                + " refusal diagnosed. Everything it makes is deleted afterwards; exits 0 when the flow works."})
final class DemoCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    TimeoutOptions timeout;

    @Mixin
    FormatOptions format;

    DemoCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        Duration bound = timeout.timeout();
        if (!format.json()) {
            DemoView.intro(spec.commandLine().getOut());
        }
        Demo.Report r = new Demo().run(context.clock(), bound);
        Renderer.render(spec.commandLine(), format.format(), r, DemoView.JsonReport::of, DemoView::text);
        return r.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
    }
}
