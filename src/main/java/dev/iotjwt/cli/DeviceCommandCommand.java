package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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

    @Parameters(paramLabel = "ID", description = "The device's id or numeric id.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Payload data;

    /** The payload: text, or a file's bytes as they are. */
    static final class Payload {
        @Option(names = "--data", paramLabel = "TEXT", required = true, description = "The payload, as UTF-8 text.")
        String text;

        @Option(names = "--data-file", paramLabel = "FILE", required = true, description = "The payload: the"
                + " file's bytes as they are (binary or text).")
        Path file;
    }

    @Option(names = "--subfolder", paramLabel = "S", description = "The subfolder: the topic"
            + " /devices/ID/commands/S.")
    String subfolder;

    @Mixin
    DeviceApiOptions api;

    DeviceCommandCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        DeviceCommand.checkId(spec, id, "device");
        byte[] bytes = DeviceCommand.payload(data.text, data.file);
        String topic = "/devices/" + id + "/commands" + (subfolder == null || subfolder.isEmpty() ? ""
                : "/" + subfolder);
        return api.call(spec, context,
                client -> client.sendCommand(id, bytes, subfolder), json -> id + ": command sent on " + topic
                + " (" + bytes.length + " bytes)" + System.lineSeparator());
    }
}
