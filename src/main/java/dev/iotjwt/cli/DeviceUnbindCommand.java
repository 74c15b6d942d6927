package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code iotjwt device unbind}: unbinds a device from a gateway (registries.unbindDeviceFromGateway). */
@Command(name = "unbind", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Unbind a device from a gateway: the gateway can no longer attach it or speak for"
                + " it."})
final class DeviceUnbindCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceBindingOptions binding;

    DeviceUnbindCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        String id = binding.device().id();
        String gateway = binding.gateway();
        return binding.device().api().call(spec, context,
                client -> client.unbind(id, gateway), json -> id + " unbound from gateway " + gateway
                + System.lineSeparator());
    }
}
