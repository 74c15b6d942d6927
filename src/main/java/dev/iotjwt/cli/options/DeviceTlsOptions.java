package dev.iotjwt.cli.options;

import dev.iotjwt.tls.TlsSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Emulating a device's TLS stack: the name it verifies, the versions, suites, groups and signature schemes it
 * offers, and its clock. The names are converted to the JSSE/IANA ones when parsed.
 */
public final class DeviceTlsOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--verify-name", paramLabel = "NAME", description = "Verify the server certificate against NAME"
            + " instead of the host dialled (--host or the profile's), as a device that dials an address or an alias"
            + " but checks another name.")
    String verifyName;

    @Option(names = "--tls-version", paramLabel = "V", converter = Converters.TlsVersionConverter.class,
            description = "TLS version to offer: 1.2 or 1.3 (also TLSv1.2, tls1.3 …; 1.0 and 1.1 for old devices)."
                    + " Repeatable.")
    List<String> versions = new ArrayList<>();

    @Option(names = "--cipher", paramLabel = "NAME", converter = Converters.CipherConverter.class,
            description = "Cipher suite to offer (IANA name, or OpenSSL's). Repeatable.")
    List<String> ciphers = new ArrayList<>();

    @Option(names = "--group", paramLabel = "NAME", converter = Converters.GroupConverter.class,
            description = "Named group (curve) to offer, e.g. secp256r1, x25519. Repeatable. Needs Java 20 or newer.")
    List<String> groups = new ArrayList<>();

    @Option(names = "--signature-scheme", paramLabel = "NAME", converter = Converters.SignatureSchemeConverter.class,
            description = "Signature scheme to offer, e.g. ecdsa_secp256r1_sha256, as a device that can verify only"
                    + " P-256. Repeatable. Needs Java 19 or newer.")
    List<String> schemes = new ArrayList<>();

    @Option(names = "--device-time", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "The device's clock: certificates and the token are judged (and minted) at this time.")
    Instant deviceTime;

    /** The device's clock, or null for now. */
    public Instant deviceTime() {
        return deviceTime;
    }

    /**
     * The settings for one connection, with SNI {@code sni} and the device's time {@code now}. A blank
     * --verify-name, or a choice this JDK cannot make per connection, is a usage error.
     */
    public TlsSettings settings(String sni, Instant now) {
        if (verifyName != null && verifyName.isBlank()) {
            throw new ParameterException(mixee.commandLine(), "--verify-name must name a host");
        }
        if (!groups.isEmpty() && !TlsSettings.groupsSupported()) {
            throw needsNewerJava("--group", 20, "named groups");
        }
        if (!schemes.isEmpty() && !TlsSettings.schemesSupported()) {
            throw needsNewerJava("--signature-scheme", 19, "signature schemes");
        }
        return new TlsSettings(sni, List.copyOf(versions), List.copyOf(ciphers), List.copyOf(groups),
                List.copyOf(schemes), now, verifyName);
    }

    private ParameterException needsNewerJava(String flag, int feature, String what) {
        return new ParameterException(mixee.commandLine(), flag + " needs Java " + feature + " or newer to choose "
                + what + " per connection; this is Java " + Runtime.version().feature() + ": run with JAVA_HOME set"
                + " to a newer JDK");
    }
}
