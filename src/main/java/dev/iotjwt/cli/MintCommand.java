package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.jwt.ClaimValues;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.jwt.MintedToken;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iotjwt mint}: a device JWT from a private key. */
@Command(name = "mint", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Mint an IoT Core device JWT: the MQTT password of a device.",
                "Header {\"alg\",\"typ\":\"JWT\"}, integer iat/exp, aud = project id, base64url without padding."},
        footer = {"%nExamples:",
                "  iotjwt mint --key rsa_private.pem --project my-project",
                "  iotjwt mint --key ec_private.der --project my-project --ttl 20m --format json",
                "  iotjwt mint --key enc.pem --key-password-env KEY_PW --project p --iat 2026-11-25T10:00:00Z"})
final class MintCommand implements Callable<Integer> {
    static final Duration MAX_TTL = Duration.ofHours(24);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** One token from one key, or a fleet's from a batch file. */
    static final class Input {
        @Option(names = "--key", paramLabel = "FILE", required = true,
                description = "The device's private key: PEM or DER; PKCS#8 (plain or encrypted), PKCS#1 or SEC1.")
        Path key;

        @Option(names = "--batch", paramLabel = "FILE", required = true, description = "Mint for a fleet: one device"
                + " a line, CSV (device,key,project[,alg[,ttl]], an optional header line names the columns) or JSON"
                + " lines ({\"device\", \"key\", \"project\", \"alg\", \"ttl\"}); - reads standard input. Key paths"
                + " are relative to the file's folder. Writes 'DEVICE TOKEN' or 'DEVICE error: …' a line, in input"
                + " order (--format json: JSON lines). --project, --alg and --ttl are the defaults for lines that"
                + " leave them out.")
        String batch;
    }

    @Mixin
    KeyPasswordOptions passwords;

    @Option(names = "--alg", paramLabel = "ALG",
            description = "RS256 or ES256. Default: from the key (RSA → RS256, EC P-256 → ES256).")
    JwtAlg alg;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Audience audience;

    @Option(names = "--threads", paramLabel = "N", description = "Signing threads for --batch (default: the"
            + " machine's cores).")
    Integer threads;

    static final class Audience {
        @Option(names = "--project", paramLabel = "ID", required = true,
                description = "The cloud project id; becomes the aud claim.")
        String project;

        @Option(names = "--aud", paramLabel = "AUD", required = true,
                description = "The aud claim, when it is not a project id.")
        String aud;

        String value() {
            return project != null ? project : aud;
        }

        String flag() {
            return project != null ? "--project" : "--aud";
        }
    }

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", converter = Converters.DurationConverter.class,
            description = "Lifetime: exp − iat, e.g. 20m, 1h, 90s (default: ${DEFAULT-VALUE}; at most 24h).")
    Duration ttl;

    @Option(names = "--allow-long-ttl", description = "Allow --ttl over IoT Core's 24 h limit.")
    boolean allowLongTtl;

    @Option(names = "--iat", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Issued-at: epoch seconds or ISO-8601 (default: now). Makes RS256 tokens reproducible.")
    Instant iat;

    @Option(names = "--claim", paramLabel = "NAME=VALUE",
            description = "An extra claim; VALUE is taken as JSON when it parses as JSON, else as a string."
                    + " Repeatable.")
    List<String> claims = List.of();

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "token",
            description = "token (the JWT and a newline) or json ({token, header, claims}). Default: ${DEFAULT-VALUE}.")
    Format format;

    enum Format { token, json }

    MintCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (input.batch != null) {
            return new MintBatch(spec, context).run(input.batch, audience == null ? null : audience.value(), alg, ttl,
                    allowLongTtl, iat, threads, format == Format.json, passwords.source(context), claims);
        }
        Path key = input.key;
        if (audience == null) {
            throw new ParameterException(spec.commandLine(), "give --project ID or --aud AUD");
        }
        validate();
        KeyMaterial material = new KeyReader().privateKey(key, passwords.source(context));
        JwtAlg chosen = alg != null ? alg : JwtAlg.forKey(material.type(), key.toString());
        chosen.requireUsable(material.type(), key.toString());
        SecretWarnings.privateKeyFile(spec.commandLine(), key);
        Instant issuedAt = iat != null ? iat : context.clock().instant();
        MintedToken minted = new JwtMinter().mint(new MintRequest(material.privateKey(), chosen, audience.value(),
                issuedAt, ttl, extraClaims()));
        // the JSON is the minted record itself: {token, header, claims}
        spec.commandLine().getOut().println(format == Format.json ? Json.write(minted) : minted.token());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    private void validate() {
        Checks.positive(spec.commandLine(), "--ttl", ttl);
        if (ttl.compareTo(MAX_TTL) > 0 && !allowLongTtl) {
            throw new ParameterException(spec.commandLine(), "--ttl " + ttl.toHours() + "h is over IoT Core's 24 h"
                    + " limit: the bridge refuses such tokens; add --allow-long-ttl to mint it anyway");
        }
        if (audience.value().isBlank()) {
            throw new ParameterException(spec.commandLine(), audience.flag() + " must not be empty");
        }
    }

    private Map<String, Object> extraClaims() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String c : claims) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(), "--claim '" + c + "' is not NAME=VALUE");
            }
            String name = c.substring(0, eq);
            if (ClaimValues.RESERVED.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--claim " + name + ": set iat, exp and aud with"
                        + " --iat, --ttl and --project");
            }
            if (out.containsKey(name)) {
                throw new ParameterException(spec.commandLine(), "--claim " + name + " is given twice");
            }
            out.put(name, ClaimValues.parse(c.substring(eq + 1)));
        }
        return out;
    }
}
