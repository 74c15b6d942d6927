package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device states}: the states a device published (devices.states.list). */
@Command(name = "states", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the states the device published to /devices/ID/state, newest first (IoT Core keeps the"
                + " latest ten): the time and the payload, as text when it is printable UTF-8, else base64."})
final class DeviceStatesCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--num", paramLabel = "N", description = "At most N states (default: all that are kept).")
    Integer num;

    @Mixin
    DeviceRefOptions device;

    DeviceStatesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        Checks.atLeast(spec.commandLine(), "--num", num, 1);
        return device.api().call(spec, context, client -> client.states(id, num), DeviceView::states);
    }
}
