package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.PayloadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device command}: a command to a connected device (devices.sendCommandToDevice). */
@Command(name = "command", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a command to the device, on /devices/ID/commands[/SUBFOLDER]. The device must be"
                + " connected and subscribed to its commands: otherwise the API answers FAILED_PRECONDITION (exit 1),"
                + " as IoT Core did; nothing is queued."})
final class DeviceCommandCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    PayloadOptions data;

    @Option(names = "--subfolder", paramLabel = "S", description = "The subfolder: the topic"
            + " /devices/ID/commands/S.")
    String subfolder;

    @Mixin
    DeviceRefOptions device;

    DeviceCommandCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        byte[] bytes = data.bytes();
        String topic = "/devices/" + id + "/commands" + (subfolder == null || subfolder.isEmpty() ? ""
                : "/" + subfolder);
        return device.api().call(spec, context,
                client -> client.sendCommand(id, bytes, subfolder), json -> id + ": command sent on " + topic
                + " (" + bytes.length + " bytes)" + System.lineSeparator());
    }
}
