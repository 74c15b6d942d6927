package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.connect.ConnectDoctor;
import dev.iotjwt.connect.ConnectRequest;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.diagnose.Diagnosis;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.mqtt.ClientIds;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TlsSockets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iotjwt connect}: connect like a device and say, step by step, why it fails. */
@Command(name = "connect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Connect like a device (DNS, TCP, TLS, trust, MQTT CONNECT, session) and say, step by step,"
                + " where and why it fails, with the fix.",
                "The token is sent only over a connection whose certificate chain and host name verified."},
        footer = {"%nExamples:",
                "  iotjwt connect --profile google-lts --project p --region us-central1 --registry r --device d"
                        + " --key ec_private.pem",
                "  iotjwt connect --host broker.example --port 8883 --ca root.pem --client-id ID --jwt @token.txt",
                "  iotjwt connect --profile local --port 8883 --ca ca.pem --client-id ID --key k.pem --expect"
                        + " mqtt.connack.not-authorized"})
final class ConnectCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "google, google-lts, clearblade or local: fills host, port and roots.")
    String profile;

    @Option(names = "--host", paramLabel = "HOST", description = "Broker host name (overrides the profile).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Broker port (default 8883).")
    Integer port;

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

    @Option(names = "--username", paramLabel = "NAME", defaultValue = "unused",
            description = "MQTT user name; IoT Core ignores it (default: ${DEFAULT-VALUE}).")
    String username;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Password password;

    static final class Password {
        @Option(names = "--key", paramLabel = "FILE", required = true,
                description = "The device's private key: a token is minted from it.")
        Path key;

        @Option(names = "--jwt", paramLabel = "TOKEN|@FILE", required = true,
                description = "A token made elsewhere (the firmware's own); checked like iotjwt check does.")
        String jwt;
    }

    @Mixin
    KeyPasswordOptions keyPassword;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "20m",
            converter = Converters.DurationConverter.class,
            description = "Lifetime of a token minted from --key (default: ${DEFAULT-VALUE}).")
    Duration ttl;

    @Option(names = "--ca", paramLabel = "FILE", description = "Root CA file(s), PEM or DER, single or bundles."
            + " Repeatable; overrides the profile's roots.")
    List<Path> ca = new ArrayList<>();

    @ArgGroup(exclusive = true)
    Sni sniChoice;

    static final class Sni {
        @Option(names = "--sni", paramLabel = "NAME", required = true, description = "SNI name to send (default: the"
                + " host name). It picks the certificate the server presents; the name verified stays the host"
                + " dialled (see --verify-name).")
        String name;

        @Option(names = "--no-sni", required = true, description = "Send no SNI, as some device stacks do.")
        boolean none;
    }

    @Option(names = "--verify-name", paramLabel = "NAME", description = "Verify the server certificate against NAME"
            + " instead of the host dialled (--host or the profile's), as a device that dials an address or an alias"
            + " but checks another name.")
    String verifyName;

    @Option(names = "--tls-version", paramLabel = "V", converter = Converters.TlsVersionConverter.class,
            description = "TLS version to offer: 1.2 or 1.3 (also TLSv1.2, tls1.3 …; 1.0 and 1.1 for old devices)."
                    + " Repeatable.")
    List<String> tlsVersions = new ArrayList<>();

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

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "Bound of every step (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--publish", paramLabel = "TEXT", description = "Publish TEXT (QoS 1) after connecting.")
    String publish;

    @Option(names = "--topic", paramLabel = "events|state", defaultValue = "events",
            description = "Where --publish goes (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--subscribe", paramLabel = "config|commands",
            description = "Subscribe (QoS 1) to the device's config or commands and show what arrives.")
    String subscribe;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "How long to wait for messages after --subscribe (default: ${DEFAULT-VALUE}).")
    Duration waitFor;

    @Option(names = "--stay", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Stay connected this long as a device would (needs --key): refresh the token before it"
                    + " expires, reconnect with backoff after a drop, log each event.")
    Duration stay;

    @Option(names = "--publish-every", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "With --stay and --publish: publish again this often, as telemetry; {seq} in the text is"
                    + " the message's number. Messages due while disconnected are kept and sent after reconnecting;"
                    + " any never acknowledged are reported as lost.")
    Duration publishEvery;

    @Option(names = "--expect", paramLabel = "ok|CODE",
            description = "Exit 0 exactly when the outcome is this: ok, a finding code, or a CONNACK number.")
    String expect;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    ConnectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        Profile p = profile();
        String h = host != null ? host : p != null ? p.host(region) : null;
        if (h == null) {
            throw new ParameterException(spec.commandLine(), "give --profile or --host");
        }
        int port = this.port != null ? this.port : p != null ? p.port() : 8883;
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port " + port + " is not a TCP port");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (verifyName != null && verifyName.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--verify-name must name a host");
        }
        if (password.jwt != null && spec.commandLine().getParseResult().hasMatchedOption("--ttl")) {
            throw new ParameterException(spec.commandLine(), "--ttl goes with --key (a token minted here), not with"
                    + " --jwt");
        }
        if (subscribe == null && spec.commandLine().getParseResult().hasMatchedOption("--wait")) {
            throw new ParameterException(spec.commandLine(), "--wait goes with --subscribe");
        }
        if (publish == null && spec.commandLine().getParseResult().hasMatchedOption("--topic")) {
            throw new ParameterException(spec.commandLine(), "--topic goes with --publish");
        }
        String id = clientId();
        Instant now = deviceTime != null ? deviceTime : context.clock().instant();
        CaBundle roots = roots(p, now);
        List<VerifyKey> keys = new ArrayList<>();
        String token;
        String origin;
        java.util.function.Supplier<String> fresh = null;
        if (stay != null && (stay.isNegative() || stay.isZero())) {
            throw new ParameterException(spec.commandLine(), "--stay must be positive");
        }
        if (stay != null && password.key == null) {
            throw new ParameterException(spec.commandLine(), "--stay needs --key, to mint fresh tokens as a device"
                    + " does");
        }
        if (publishEvery != null && (stay == null || publish == null)) {
            throw new ParameterException(spec.commandLine(), "--publish-every needs --stay and --publish");
        }
        if (publishEvery != null && publishEvery.toMillis() < 100) {
            throw new ParameterException(spec.commandLine(), "--publish-every must be at least 100ms");
        }
        if (password.key != null) {
            KeyMaterial m = new KeyLoader().readPrivateKey(password.key, keyPassword.source(context));
            JwtAlg alg = JwtAlg.forKey(m.type(), password.key.toString());
            alg.requireUsable(m.type(), password.key.toString());
            SecretWarnings.privateKeyFile(spec.commandLine(), password.key);
            ClientIds.Parts parts = ClientIds.parse(id);
            String aud = project != null ? project : parts != null ? parts.project() : null;
            if (aud == null) {
                throw new ParameterException(spec.commandLine(), "--key needs the project for the token's aud: give"
                        + " --project or a client id projects/P/...");
            }
            token = new JwtMinter().mint(new MintRequest(m.privateKey(), alg, aud, now, ttl, Map.of())).token();
            fresh = () -> new JwtMinter().mint(new MintRequest(m.privateKey(), alg, aud, context.clock().instant(), ttl,
                    Map.of())).token();
            origin = "minted from " + password.key + " (" + alg + ", " + dev.iotjwt.time.Times.human(ttl) + ")";
            keys.add(new VerifyKey(password.key.toString(), m.type(), KeyLoader.publicKeyOf(m), null));
        } else {
            token = password.jwt.startsWith("@")
                    ? new String(KeyLoader.readFile(Path.of(password.jwt.substring(1))), StandardCharsets.UTF_8).strip()
                    : password.jwt.strip();
            origin = password.jwt.startsWith("@") ? "read from " + password.jwt.substring(1) : "given with --jwt";
        }
        String sniName = sniChoice != null && sniChoice.none ? null : sniChoice != null ? sniChoice.name
                : TlsSockets.sniAllowed(h) ? h : null;
        if (!groups.isEmpty() && !TlsSettings.groupsSupported()) {
            throw new ParameterException(spec.commandLine(), "--group needs Java 20 or newer to choose named groups"
                    + " per connection; this is Java " + Runtime.version().feature() + ": run with JAVA_HOME set to a"
                    + " newer JDK");
        }
        if (!schemes.isEmpty() && !TlsSettings.schemesSupported()) {
            throw new ParameterException(spec.commandLine(), "--signature-scheme needs Java 19 or newer to choose"
                    + " signature schemes per connection; this is Java " + Runtime.version().feature() + ": run with"
                    + " JAVA_HOME set to a newer JDK");
        }
        TlsSettings tls = new TlsSettings(sniName, List.copyOf(tlsVersions), List.copyOf(ciphers),
                List.copyOf(groups), List.copyOf(schemes), now, verifyName);
        ClientIds.Parts parts = ClientIds.parse(id);
        String dev = parts != null ? parts.device() : device;
        String pubTopic = publish == null ? null : topic.equals("state") ? ClientIds.stateTopic(dev)
                : topic.equals("events") ? ClientIds.eventsTopic(dev) : topic;
        String subTopic = subscribe == null ? null : subscribe.equals("config") ? ClientIds.configTopic(dev)
                : subscribe.equals("commands") ? ClientIds.commandsTopic(dev) : subscribe;
        Diagnosis d = new ConnectDoctor().run(new ConnectRequest(p == null ? null : p.cliName(), h, port, roots, id,
                username, token, origin, keys, tls, timeout, now, pubTopic, publish == null ? "" : publish, subTopic,
                waitFor, stay == null ? Duration.ZERO : stay, fresh, ttl, publishEvery));
        if (format == ReportFormat.json) {
            spec.commandLine().getOut().println(Json.write(d));
        } else {
            new DiagnosisView(spec.commandLine().getOut()).render(d);
        }
        spec.commandLine().getOut().flush();
        return exitCode(d);
    }

    private int exitCode(Diagnosis d) {
        if (expect == null) {
            return d.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
        }
        if (expect.equals("ok")) {
            return d.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
        }
        if (d.ok() || d.cause() == null) {
            return ExitCodes.PROBLEM;
        }
        if (expect.matches("\\d")) {
            String connack = d.steps().stream().filter(s -> s.id().equals("mqtt")).map(s -> s.facts().get("CONNACK"))
                    .filter(java.util.Objects::nonNull).findFirst().orElse("");
            return connack.equals(expect) ? ExitCodes.OK : ExitCodes.PROBLEM;
        }
        boolean any = d.steps().stream().flatMap(s -> s.findings().stream()).anyMatch(f -> f.code().equals(expect));
        return d.cause().code().equals(expect) || any ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    private Profile profile() {
        if (profile == null) {
            return null;
        }
        try {
            return Profile.byName(profile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--profile '" + profile + "' is not one of google,"
                    + " google-lts, clearblade, local");
        }
    }

    private String clientId() {
        if (clientId != null) {
            if (project != null && registry != null || device != null) {
                throw new ParameterException(spec.commandLine(), "give --client-id or --project/--registry/--device,"
                        + " not both");
            }
            return clientId;
        }
        if (project == null || registry == null || device == null) {
            throw new ParameterException(spec.commandLine(), "give --client-id, or --project, --registry and --device"
                    + " (and --region, default us-central1)");
        }
        return ClientIds.of(project, region == null ? "us-central1" : region, registry, device);
    }

    private CaBundle roots(Profile p, Instant now) {
        if (!ca.isEmpty()) {
            return CaBundle.fromFiles(ca, now);
        }
        if (p == Profile.local) {
            Path localCa = Profile.localStateDir(context.env()).resolve("ca.pem");
            CaBundle bundle = CaBundle.fromFiles(List.of(localCa), now);
            if (!java.nio.file.Files.exists(localCa)) {
                // the usual reason: no local broker has run for this user yet
                List<dev.iotjwt.diagnose.Finding> findings = bundle.findings().stream().map(f -> f.code().equals(
                        "ca.unreadable") ? new dev.iotjwt.diagnose.Finding(f.code(), f.severity(), f.message(),
                        "start 'iotjwt broker' first (it makes this CA), or give the broker's CA with --ca") : f)
                        .toList();
                return new CaBundle(bundle.certificates(), bundle.names(), bundle.bytes(), findings);
            }
            return bundle;
        }
        if (p != null) {
            return CaBundle.fromResources(p.roots(), now);
        }
        return null;
    }
}
