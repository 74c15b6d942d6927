package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device get}: one device as the API has it (devices.get). */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show a device: ids, blocked, gateway, credentials (format, expiry, key fingerprint), config"
                + " version and its acknowledgement, metadata, and the last heartbeat, event, state and error."})
final class DeviceGetCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceRefOptions device;

    DeviceGetCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = device.id();
        return device.api().call(spec, context, client -> client.get(id), DeviceView::device);
    }
}
