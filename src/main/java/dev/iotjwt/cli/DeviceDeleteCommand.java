package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
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

    @Parameters(paramLabel = "ID", description = "The device's id or numeric id.")
    String id;

    @Mixin
    DeviceApiOptions api;

    DeviceDeleteCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        DeviceCommand.checkId(spec, id, "device");
        return api.call(spec, context, client -> client.delete(id), json -> id + " deleted" + System.lineSeparator());
    }
}
