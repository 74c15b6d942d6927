package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device delete}: removes a device (devices.delete); a connected device is disconnected. */
@Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Delete a device. A connected device is disconnected and its CONNECTs refused"
                + " (device.unknown); a gateway with bound devices is refused."})
final class DeviceDeleteCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceRefOptions device;

    DeviceDeleteCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        return device.api().call(spec, context, client -> client.delete(id), json -> id + " deleted"
                + System.lineSeparator());
    }
}
