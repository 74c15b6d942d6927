package dev.iotjwt.cli;

import dev.iotjwt.cli.options.Checks;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every {@code iotjwt device} verb on one device shares: the device ({@code ID}) and the API it is called
 * through ({@link DeviceApiOptions}). A verb declares it after its own options, so that the API's options stay last
 * in its help.
 */
final class DeviceRefOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Parameters(paramLabel = "ID", description = "The device's id or numeric id.")
    String id;

    @Mixin
    DeviceApiOptions api;

    /** The device's id; one that is neither a device id nor a numeric id is a usage error. */
    String id() {
        return Checks.deviceId(mixee.commandLine(), "device", id);
    }

    /** The API the verb calls. */
    DeviceApiOptions api() {
        return api;
    }
}
