package dev.iotjwt.cli.options;

import dev.iotjwt.InputException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;

/** {@code --tls-provider auto|boringssl|jdk}: which TLS engine a Netty-based command runs (the bridge, the bench). */
public final class TlsProviderOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--tls-provider", paramLabel = "NAME", defaultValue = "auto",
            description = "TLS implementation: auto (BoringSSL where its native library loads, else the JDK's),"
                    + " boringssl, jdk (default: ${DEFAULT-VALUE}).")
    String tlsProvider;

    /**
     * Whether to prefer BoringSSL (auto, boringssl) over the JDK's engine (jdk); boringssl where its library does not
     * load is an error that says why. Loads Netty's OpenSSL classes only when asked for boringssl.
     */
    public boolean preferNative() throws InputException {
        String provider = tlsProvider.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "boringssl", "jdk").contains(provider)) {
            throw new ParameterException(mixee.commandLine(), "--tls-provider '" + dev.iotjwt.Messages.quote(
                    tlsProvider, 40) + "' is not a provider: use auto, boringssl or jdk");
        }
        if (provider.equals("boringssl") && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
            throw new InputException(null, "--tls-provider boringssl: BoringSSL's native library does not load on"
                    + " this machine: " + dev.iotjwt.Messages.cause(io.netty.handler.ssl.OpenSsl.unavailabilityCause()),
                    "use --tls-provider auto or jdk", null);
        }
        return !provider.equals("jdk");
    }
}
