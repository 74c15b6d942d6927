package dev.iotjwt.cli;

import dev.iotjwt.cli.options.Checks;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code device bind} and {@code device unbind} take: the gateway ({@code --gateway GW}), then the device and
 * the API ({@link DeviceRefOptions}).
 */
final class DeviceBindingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--gateway", paramLabel = "GW", required = true, description = "The gateway's id or numeric id.")
    String gateway;

    @Mixin
    DeviceRefOptions device;

    /** The device bound or unbound, and the API. */
    DeviceRefOptions device() {
        return device;
    }

    /** The gateway's id; one that is neither a device id nor a numeric id is a usage error. */
    String gateway() {
        return Checks.deviceId(mixee.commandLine(), "--gateway", gateway);
    }
}
