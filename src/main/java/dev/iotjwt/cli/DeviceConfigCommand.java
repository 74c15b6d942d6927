package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.PayloadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device config}: a new config version (devices.modifyCloudToDeviceConfig). */
@Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set the device's config: its next version, sent at once (QoS 1) to the device when it is"
                + " connected and subscribed to /devices/ID/config; 'iotjwt device configs ID' shows when the device"
                + " acknowledged it."})
final class DeviceConfigCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    PayloadOptions data;

    @Option(names = "--version-to-update", paramLabel = "N", description = "Set it only if the current version is N"
            + " (optimistic concurrency: ABORTED, exit 1, when another change came first).")
    Long versionToUpdate;

    @Mixin
    DeviceRefOptions device;

    DeviceConfigCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        if (versionToUpdate != null && versionToUpdate < 0) {
            throw new ParameterException(spec.commandLine(), "--version-to-update must not be negative");
        }
        byte[] bytes = data.bytes();
        return device.api().call(spec, context,
                client -> client.modifyConfig(id, bytes, versionToUpdate), c -> DeviceView.configSet(id, c));
    }
}
