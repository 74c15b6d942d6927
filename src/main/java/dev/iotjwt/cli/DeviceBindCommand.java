package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device bind}: binds a device to a gateway (registries.bindDeviceToGateway). */
@Command(name = "bind", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Bind a device to a gateway: the gateway may then attach it (/devices/ID/attach) and speak"
                + " for it."})
final class DeviceBindCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceBindingOptions binding;

    DeviceBindCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = binding.device().id();
        String gateway = binding.gateway();
        return binding.device().api().call(spec, context, client -> client.bind(id, gateway), json -> id + " bound to gateway "
                + gateway + System.lineSeparator());
    }
}
