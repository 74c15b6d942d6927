package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.devices.DeviceKeys;
import dev.iotjwt.devices.NewDevice;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iotjwt device create}: a device with its key (devices.create). */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create a device with the public key of a key file: a public key or a certificate as it is,"
                + " or a private key whose public half is registered (it never leaves this machine). The format"
                + " (ES256_PEM, RSA_PEM, ES256_X509_PEM, RSA_X509_PEM) is chosen from the key. The device may"
                + " connect at once."},
        footer = {"%nExamples:",
                "  iotjwt device create dev-1 --key ec_public.pem --config '{\"led\":1}' --metadata build=ci",
                "  iotjwt device create gw-1 --key gw_private.pem --gateway --gateway-auth ASSOCIATION_ONLY"})
final class DeviceCreateCommand implements Callable<Integer> {
    /** IoT Core's gateway auth methods. */
    enum GatewayAuth { ASSOCIATION_ONLY, DEVICE_AUTH_TOKEN_ONLY, ASSOCIATION_AND_DEVICE_AUTH_TOKEN }

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The device's id: a letter, then 2-254 of"
            + " letters, digits and - . _ + ~ %%, not starting with 'goog' (IoT Core's rule).")
    String id;

    @Option(names = "--key", paramLabel = "FILE", required = true, description = "The device's public key,"
            + " certificate, or private key (PEM, DER; RSA of 2048 bits or more, or EC P-256).")
    Path key;

    @ArgGroup(exclusive = true)
    Config config;

    /** The first config: text or a file's bytes. */
    static final class Config {
        @Option(names = "--config", paramLabel = "TEXT", required = true, description = "The first config (version"
                + " 1), as UTF-8 text.")
        String text;

        @Option(names = "--config-file", paramLabel = "FILE", required = true, description = "The first config: the"
                + " file's bytes as they are.")
        Path file;

        byte[] bytes() throws InputException {
            return text != null ? text.getBytes(StandardCharsets.UTF_8) : InputFiles.read(file, 1 << 20,
                    "a config (IoT Core's limit: 64 KiB)");
        }
    }

    @Option(names = "--gateway", description = "Make the device a gateway.")
    boolean gateway;

    @Option(names = "--gateway-auth", paramLabel = "METHOD", description = "With --gateway: how its devices"
            + " authenticate: ${COMPLETION-CANDIDATES} (default: ASSOCIATION_ONLY).")
    GatewayAuth gatewayAuth;

    @Option(names = "--blocked", description = "Create it blocked: its connections are refused until unblocked.")
    boolean blocked;

    @Option(names = "--metadata", paramLabel = "K=V", description = "A metadata pair (repeatable).")
    Map<String, String> metadata = new LinkedHashMap<>();

    @Mixin
    DeviceApiOptions api;

    DeviceCreateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (!dev.iotjwt.broker.Registry.validId(id)) {
            throw new ParameterException(spec.commandLine(), "device id '" + dev.iotjwt.Messages.quote(id, 60)
                    + "' breaks IoT Core's rule: " + dev.iotjwt.broker.Registry.ID_RULE);
        }
        if (gatewayAuth != null && !gateway) {
            throw new ParameterException(spec.commandLine(), "--gateway-auth needs --gateway");
        }
        DeviceKeys.Credential credential = DeviceKeys.credentialOf(id, key);
        if (DeviceKeys.holdsPrivateKey(key)) {
            SecretWarnings.privateKeyFile(spec.commandLine(), key);
        }
        byte[] first = config == null ? null : config.bytes();
        NewDevice d = new NewDevice(id, credential.format(), credential.pem(), first, blocked, metadata,
                gateway ? (gatewayAuth == null ? GatewayAuth.ASSOCIATION_ONLY : gatewayAuth).name() : null);
        return api.call(spec, context, client -> client.create(d), DeviceView::device);
    }
}
