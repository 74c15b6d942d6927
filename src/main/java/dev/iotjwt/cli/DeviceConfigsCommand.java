package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device configs}: a device's config versions (devices.configVersions.list). */
@Command(name = "configs", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the device's config versions, newest first (the latest ten are kept): version, when it was"
                + " set, when the device acknowledged it (its PUBACK), and the payload."})
final class DeviceConfigsCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--num", paramLabel = "N", description = "At most N versions (default: all that are kept).")
    Integer num;

    @Mixin
    DeviceRefOptions device;

    DeviceConfigsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        Checks.atLeast(spec.commandLine(), "--num", num, 1);
        return device.api().call(spec, context, client -> client.configVersions(id, num), DeviceView::configs);
    }
}
