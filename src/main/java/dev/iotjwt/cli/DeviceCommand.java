package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** {@code iotjwt device}: the devices of a registry, through the Cloud IoT Core v1 device manager API. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = {"Create, list, get and delete devices, push configs, send commands, read states and bind"
                + " devices to gateways through the device manager API: the local bridge's (iotjwt broker"
                + " --api-port) by default, or any endpoint of the same shape with --api URL.",
                "An error of the API is one line, 'iotjwt: STATUS: message': exit 2 for INVALID_ARGUMENT (a value"
                        + " given here was refused), exit 1 for the others and when the API cannot be reached."},
        subcommands = {DeviceCreateCommand.class, DeviceListCommand.class, DeviceGetCommand.class,
                DeviceDeleteCommand.class, DeviceConfigCommand.class, DeviceCommandCommand.class,
                DeviceStatesCommand.class, DeviceConfigsCommand.class, DeviceBindCommand.class,
                DeviceUnbindCommand.class},
        footer = {"%nRun 'iotjwt device COMMAND --help' for a command's options."})
final class DeviceCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The bytes of a config or command: the text given, or a file's bytes as they are. */
    static byte[] payload(String text, Path file) throws InputException {
        return text != null ? text.getBytes(StandardCharsets.UTF_8) : InputFiles.read(file, 1 << 20,
                "a config or command payload (IoT Core's limits: 64 KiB a config, 256 KiB a command)");
    }

    /** A device or gateway id as the API names it: IoT Core's id rule, or a numeric id. */
    static String checkId(CommandSpec spec, String id, String what) {
        if (!dev.iotjwt.broker.Registry.validId(id) && !id.matches("[0-9]{1,19}")) {
            throw new ParameterException(spec.commandLine(), what + " '" + dev.iotjwt.Messages.quote(id, 60)
                    + "' is neither a device id (" + dev.iotjwt.broker.Registry.ID_RULE + ") nor a numeric id");
        }
        return id;
    }
}
