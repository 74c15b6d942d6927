package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.broker.BrokerPki;
import dev.iotjwt.broker.BrokerSettings;
import dev.iotjwt.broker.LocalBroker;
import dev.iotjwt.broker.Registry;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.cli.options.TlsProviderOptions;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.SkewOptions;
import dev.iotjwt.connect.Profile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code iotjwt broker}: the local IoT-Core-compatible MQTT bridge. */
@Command(name = "broker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a local IoT-Core-compatible MQTT bridge: TLS only, devices from a registry file or"
                + " --device, tokens judged as IoT Core judged them, refusals answered with CONNACK 5 and logged with"
                + " the reason.",
                "Log lines go to stderr; what devices publish goes to stdout (or --events FILE) as JSON lines."},
        footer = {"%nExamples:",
                "  iotjwt broker --device my-device=ec_public.pem",
                "  iotjwt broker --registry registry.json --strict --events events.jsonl",
                "  iotjwt broker --bind 0.0.0.0 --hostname bench.local \\",
                "      --device esp32=esp32_public.pem"})
final class BrokerCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Option(names = "--registry", paramLabel = "FILE", description = "Devices as 'gcloud iot devices describe"
            + " --format=json' printed them: {project, region, registry, devices: [{id, blocked, credentials,"
            + " config}]}.")
    Path registryFile;

    @Option(names = "--device", paramLabel = "ID=KEY_FILE", description = "Register a device with its public key or"
            + " certificate (a private key registers its public half). Repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--project", paramLabel = "ID", description = "Project id when there is no --registry file"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "local-project")
    String project;

    @Option(names = "--region", paramLabel = "REGION", description = "Region when there is no --registry file"
            + " (default: ${DEFAULT-VALUE}).", defaultValue = "us-central1")
    String region;

    @Option(names = "--registry-id", paramLabel = "ID", description = "Registry id when there is no --registry"
            + " file (default: ${DEFAULT-VALUE}).", defaultValue = "local-registry")
    String registryId;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8883",
            converter = Converters.ListenPortConverter.class,
            description = "TLS port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the CA and server certificate are"
            + " made once and reused (default: $IOTJWT_HOME/broker, ~/.iotjwt/broker).")
    Path stateDir;

    @Option(names = "--hostname", paramLabel = "NAME", description = "A name (or address) the server certificate"
            + " covers, besides localhost and 127.0.0.1. Repeatable.")
    List<String> hostnames = new ArrayList<>();

    @Option(names = "--require-sni", description = "As Google's front end: a client without SNI gets a placeholder"
            + " certificate, an SNI naming none of the host names the alert unrecognized_name.")
    boolean requireSni;

    @Option(names = "--strict", description = "Also refuse '=' padding and other non-canonical encodings, as strict"
            + " successors of IoT Core do.")
    boolean strict;

    @Mixin
    SkewOptions skew;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "How long a connection may take from TCP accept to a complete CONNECT, TLS handshake"
                    + " included; a slower or silent one is closed (whole seconds; default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--max-connecting", paramLabel = "N", defaultValue = "512",
            description = "How many connections may wait for their CONNECT at once; one more is closed at accept"
                    + " and logged as broker.busy, so slow or half-open clients cannot take every socket (default:"
                    + " ${DEFAULT-VALUE}).")
    int maxConnecting;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads serving devices (default: half the processors, at least 1: a local"
                    + " bridge shares the machine with the devices it serves; one thread takes about 1,500 TLS"
                    + " connects a second).")
    Integer threads;

    @Option(names = "--tls-profile", paramLabel = "NAME", defaultValue = "default",
            description = "Accept only the TLS a real front end accepted (versions, suites, groups, certificate"
                    + " key): default, google (mqtt.googleapis.com), google-lts (mqtt.2030.ltsapis.goog),"
                    + " clearblade; a device that fails there fails here, with the reason (default: ${DEFAULT-VALUE}).")
    String tlsProfile;

    @Mixin
    TlsProviderOptions tlsProvider;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text: a line per event for people; json: one JSON object a line on stderr, each event"
                    + " and, when a connection ends, the device's report (steps tcp, tls, mqtt, session; the"
                    + " records of 'connect --format json') (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--events", paramLabel = "FILE", description = "Append what devices publish to FILE as JSON"
            + " lines instead of printing it.")
    Path eventsFile;

    @Option(names = "--api-port", paramLabel = "PORT", converter = Converters.ListenPortConverter.class,
            description = "Also serve the Cloud IoT Core v1 device manager"
            + " REST API (devices, configs, commands, states, gateway bindings) over plain HTTP on this port of the"
            + " --bind address; 0 picks a free one. What it changes is kept in the state folder.")
    Integer apiPort;

    @Option(names = "--api-token-file", paramLabel = "FILE", description = "With --api-port: every API request must"
            + " carry 'Authorization: Bearer TOKEN', TOKEN being this file's first line.")
    Path apiTokenFile;

    @Option(names = "--stop-after", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "Stop by itself after this long (for scripts and CI); otherwise run until Ctrl-C.")
    Duration stopAfter;

    /** Warnings about device key files others can read, said once the log (text or JSON) is set up. */
    private final List<SecretWarnings.Warning> looseDeviceKeys = new ArrayList<>();

    BrokerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        Duration allowedSkew = skew.skew();
        if (connectTimeout.compareTo(Duration.ofSeconds(1)) < 0 || connectTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new ParameterException(spec.commandLine(), "--connect-timeout must be from 1s to 1h");
        }
        if (maxConnecting < 1 || maxConnecting > 1_000_000) {
            throw new ParameterException(spec.commandLine(), "--max-connecting must be from 1 to 1000000");
        }
        if (threads != null && (threads < 1 || threads > 256)) {
            throw new ParameterException(spec.commandLine(), "--threads must be from 1 to 256");
        }
        if (apiTokenFile != null && apiPort == null) {
            throw new ParameterException(spec.commandLine(), "--api-token-file needs --api-port");
        }
        Checks.positive(spec.commandLine(), "--stop-after", stopAfter);
        dev.iotjwt.broker.tls.TlsProfile profile = dev.iotjwt.broker.tls.TlsProfile.byCliName(tlsProfile)
                .orElse(null);
        if (profile == null) {
            throw new ParameterException(spec.commandLine(), "--tls-profile '" + dev.iotjwt.Messages.quote(tlsProfile,
                    40) + "' is not a profile: use one of " + String.join(", ",
                    dev.iotjwt.broker.tls.TlsProfile.cliNames()));
        }
        boolean nativeTls = tlsProvider.preferNative();
        boolean json = switch (logFormat.toLowerCase(java.util.Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new ParameterException(spec.commandLine(), "--log-format '" + dev.iotjwt.Messages.quote(
                    logFormat, 40) + "' is not a format: use text or json");
        };
        // native crypto first, before any key is made: the registry's keys and the server key then live in it
        String crypto = dev.iotjwt.jwt.SigningProviders.installForProcess();
        Registry registry = registry();
        if (registry.devices().isEmpty() && apiPort == null) {
            throw new ParameterException(spec.commandLine(), "no devices: give --registry FILE or --device"
                    + " ID=KEY_FILE (or --api-port, to create them through the API)");
        }
        String apiToken = apiTokenFile == null ? null : apiToken();
        Path state = stateDir != null ? stateDir : Profile.localStateDir(context.env());
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1"));
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !names.contains(bind)) {
            names.add(bind);
        }
        for (String h : hostnames) {
            if (!names.contains(h)) {
                names.add(h);
            }
        }
        PrintWriter err = spec.commandLine().getErr();
        BrokerLog log = new BrokerLog(err, spec.commandLine().getOut(), openEvents(), json);
        LocalBroker broker = LocalBroker.start(new BrokerSettings(registry, bind, port, state, names, requireSni,
                strict, allowedSkew, context.clock(), connectTimeout, maxConnecting, profile,
                nativeTls).withApi(apiPort == null ? BrokerSettings.NO_API : apiPort, apiToken)
                .withThreads(threads == null ? 0 : threads), log);
        // a reused state folder whose key files were loosened since the broker made them owner-only
        log.warning(SecretWarnings.privateKeyWarning(state.resolve(BrokerPki.CA_KEY),
                "issue server certificates that every device trusting this CA accepts"));
        log.warning(SecretWarnings.privateKeyWarning(state.resolve(BrokerPki.SERVER_KEY),
                "impersonate this broker"));
        looseDeviceKeys.forEach(log::warning);
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            broker.close();
            log.stopped("stopped (signal)");
        }, "iotjwt-broker-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        log.started(broker, state.equals(Profile.localStateDir(context.env())), crypto);
        try {
            if (stopAfter != null) {
                stop.await(stopAfter.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                stop.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
                broker.close();
                log.stopped("stopped");
            } catch (IllegalStateException shuttingDown) {
                // the hook closes the broker and says so
            }
        }
        return ExitCodes.OK;
    }

    private Registry registry() throws InputException {
        Registry r;
        if (registryFile != null) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--project")
                    || spec.commandLine().getParseResult().hasMatchedOption("--region")
                    || spec.commandLine().getParseResult().hasMatchedOption("--registry-id")) {
                throw new ParameterException(spec.commandLine(), "--project, --region and --registry-id come from"
                        + " the --registry file; give one or the other");
            }
            r = Registry.load(registryFile);
        } else {
            r = new Registry(project, region, registryId, new LinkedHashMap<>());
        }
        for (String d : devices) {
            int eq = d.indexOf('=');
            if (eq <= 0 || eq == d.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--device '" + d + "' is not ID=KEY_FILE");
            }
            String id = d.substring(0, eq);
            if (!Registry.validId(id)) {
                throw new ParameterException(spec.commandLine(), "--device '" + dev.iotjwt.Messages.quote(d, 80)
                        + "': device id '" + dev.iotjwt.Messages.quote(id, 40) + "' breaks IoT Core's rule: "
                        + Registry.ID_RULE);
            }
            Path file = Path.of(d.substring(eq + 1));
            r = r.with(Registry.deviceOf(id, file, null));
            if (dev.iotjwt.keys.KeyFilePermissions.tooOpen(file) != null && Registry.holdsPrivateKey(file)) {
                looseDeviceKeys.add(SecretWarnings.privateKeyWarning(file, "sign as the device"));
            }
        }
        return r;
    }

    /** The API's bearer token: the file's first line, never shown in a message. */
    private String apiToken() throws InputException {
        byte[] bytes = InputFiles.read(apiTokenFile, 64 * 1024, "an API token file");
        String token = new String(bytes, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        if (token.isEmpty()) {
            throw new InputException("--api-token-file " + apiTokenFile + ": the first line is empty; put the token"
                    + " there");
        }
        return token;
    }

    private PrintWriter openEvents() throws InputException {
        if (eventsFile == null) {
            return null;
        }
        try {
            return new PrintWriter(Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), true);
        } catch (IOException e) {
            throw new InputException("--events " + eventsFile + ": cannot write: " + e.getMessage());
        }
    }
}
