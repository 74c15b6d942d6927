package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
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

    @Option(names = "--version-to-update", paramLabel = "N", description = "Set it only if the current version is N"
            + " (optimistic concurrency: ABORTED, exit 1, when another change came first).")
    Long versionToUpdate;

    @Mixin
    DeviceApiOptions api;

    DeviceConfigCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        DeviceCommand.checkId(spec, id, "device");
        if (versionToUpdate != null && versionToUpdate < 0) {
            throw new ParameterException(spec.commandLine(), "--version-to-update must not be negative");
        }
        byte[] bytes = DeviceCommand.payload(data.text, data.file);
        return api.call(spec, context,
                client -> client.modifyConfig(id, bytes, versionToUpdate), c -> DeviceView.configSet(id, c));
    }
}
