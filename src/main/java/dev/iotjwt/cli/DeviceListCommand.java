package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device list}: the registry's devices (devices.list, every page). */
@Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the registry's devices, one a line: id, numeric id, and whether it is a gateway or"
                + " blocked. Every page is read; --format json gives them as one {\"devices\": [...]}."})
final class DeviceListCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--gateway", paramLabel = "ID", description = "Only the devices bound to this gateway.")
    String gateway;

    @Mixin
    DeviceApiOptions api;

    DeviceListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (gateway != null) {
            Checks.deviceId(spec.commandLine(), "--gateway", gateway);
        }
        return api.call(spec, context, client -> client.list(gateway), DeviceView::list);
    }
}
