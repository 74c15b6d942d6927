package dev.iotjwt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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
}
