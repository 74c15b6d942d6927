package dev.iotjwt.cli.options;

import dev.iotjwt.mqtt.ClientIds;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Who the device is: {@code --project/--region/--registry/--device}, or the whole {@code --client-id}. The project
 * is also the token's audience.
 */
public final class DeviceIdentityOptions {
    static final String DEFAULT_REGION = "us-central1";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--region", paramLabel = "REGION", description = "Cloud region (default us-central1).")
    String region;

    @Option(names = "--project", paramLabel = "ID", description = "Project id: the client id's and the token's aud.")
    String project;

    @Option(names = "--registry", paramLabel = "ID", description = "Registry id.")
    String registry;

    @Option(names = "--device", paramLabel = "ID", description = "Device id.")
    String device;

    @Option(names = "--client-id", paramLabel = "ID",
            description = "The whole client id, instead of --project/--region/--registry/--device.")
    String clientId;

    /** {@code --region} as given, or null (a profile's host may depend on it). */
    public String region() {
        return region;
    }

    /** The MQTT client id: --client-id, or built from the four parts; anything else is a usage error. */
    public String clientId() {
        if (clientId != null) {
            if (project != null && registry != null || device != null) {
                throw new ParameterException(mixee.commandLine(), "give --client-id or --project/--registry/--device,"
                        + " not both");
            }
            return clientId;
        }
        if (project == null || registry == null || device == null) {
            throw new ParameterException(mixee.commandLine(), "give --client-id, or --project, --registry and"
                    + " --device (and --region, default us-central1)");
        }
        return ClientIds.of(project, region == null ? DEFAULT_REGION : region, registry, device);
    }

    /** The token's audience: --project, else the project of a client id {@code projects/P/...}, else null. */
    public String audience() {
        if (project != null) {
            return project;
        }
        ClientIds.Parts parts = ClientIds.parse(clientId());
        return parts != null ? parts.project() : null;
    }

    /** The device id: from the client id when it parses, else --device. */
    public String deviceId() {
        ClientIds.Parts parts = ClientIds.parse(clientId());
        return parts != null ? parts.device() : device;
    }
}
