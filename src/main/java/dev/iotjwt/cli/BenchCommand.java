package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.bench.LoadBench;
import dev.iotjwt.cli.options.Checks;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.KeyPasswordOptions;
import dev.iotjwt.cli.options.TargetOptions;
import dev.iotjwt.cli.options.TimeoutOptions;
import dev.iotjwt.cli.options.TlsProviderOptions;
import dev.iotjwt.cli.options.UsernameOptions;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.tls.CaBundle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iotjwt bench}: a fleet of simulated devices against a bridge, measured. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load a bridge with simulated devices, each with its own P-256 key and token: connect them at a"
                + " concurrency, hold the connections, optionally publish at a rate; print connects per second,"
                + " latency percentiles of TCP+TLS+CONNACK and of PUBLISH→PUBACK, and failures by code.",
                "Make the fleet first with --prepare DIR; the broker takes DIR/registry.json. The broker is"
                        + " localhost:8883 unless --host and --port say otherwise, verified with the local broker's CA"
                        + " unless --ca gives the roots."},
        footer = {"%nExamples:",
                "  iotjwt bench --prepare fleet --devices 1000",
                "  iotjwt broker --registry fleet/registry.json &",
                "  iotjwt bench --keys fleet --concurrency 8 --publish-rate 1 --duration 30s"})
final class BenchCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Fleet fleetDir;

    /** Make a fleet, or run one. */
    static final class Fleet {
        @Option(names = "--prepare", paramLabel = "DIR", required = true, description = "Make a fleet of --devices"
                + " devices in DIR (keys, owner-only, and registry.json for iotjwt broker) and stop.")
        Path prepare;

        @Option(names = "--keys", paramLabel = "DIR", required = true,
                description = "The fleet to run (made with --prepare).")
        Path keys;
    }

    @Option(names = "--devices", paramLabel = "N", description = "Devices (default: 100 for --prepare, every device of"
            + " the fleet otherwise).")
    Integer devices;

    @Mixin
    TargetOptions broker;

    @Option(names = "--concurrency", paramLabel = "C", description = "Connections opened at once, and publishing"
            + " threads (default: 4 per core).")
    Integer concurrency;

    @Option(names = "--publish-rate", paramLabel = "R", defaultValue = "0",
            description = "QoS 1 messages a second per device while holding (default: ${DEFAULT-VALUE}: none).")
    double publishRate;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class,
            description = "How long to hold the connections after connecting (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Mixin
    TimeoutOptions timeout;

    @Mixin
    TlsProviderOptions tlsProvider;

    @Mixin
    UsernameOptions username;

    @Option(names = "--password-env", paramLabel = "VAR", description = "Send the password in VAR instead of each"
            + " device's token (a broker with a password file, such as mosquitto).")
    String passwordEnv;

    @Mixin
    FormatOptions format;

    BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path prepare = fleetDir.prepare;
        Path keys = fleetDir.keys;
        if (prepare != null) {
            int n = devices != null ? devices : 100;
            Checks.within(spec.commandLine(), "--devices", n, 1, 1_000_000);
            LoadBench.prepare(prepare, n, "bench-project", "us-central1", "bench-registry");
            out.println("made " + n + " devices in " + prepare + "; start the broker with: iotjwt broker --registry "
                    + prepare.resolve("registry.json") + ", then: iotjwt bench --keys " + prepare);
            out.flush();
            return ExitCodes.OK;
        }
        if (publishRate < 0 || duration.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--publish-rate and --duration must not be negative");
        }
        int c = Checks.within(spec.commandLine(), "--concurrency", concurrency != null ? concurrency
                : 4 * Runtime.getRuntime().availableProcessors(), 1, 4096);
        Duration bound = timeout.timeout();
        String host = broker.host("localhost");
        int port = broker.port(8883);
        List<Path> ca = broker.ca();
        boolean nativeTls = tlsProvider.preferNative();
        // the simulated devices must not be the bottleneck: native crypto where it loads (BenchNetwork picks TLS)
        String crypto = dev.iotjwt.jwt.SigningProviders.installForProcess();
        LoadBench.Fleet fleet = LoadBench.load(keys);
        SecretWarnings.privateKeyFile(spec.commandLine(), keys.resolve("keys.jsonl"),
                "sign as any device of the fleet");
        List<Path> roots = ca.isEmpty() ? List.of(Profile.localStateDir(context.env()).resolve("ca.pem")) : ca;
        CaBundle bundle = CaBundle.fromFiles(roots, context.clock().instant());
        if (bundle.certificates().isEmpty()) {
            throw new InputException("--ca: no certificate in " + roots, "give the broker's CA with --ca");
        }
        String password = null;
        if (passwordEnv != null) {
            password = new String(KeyPasswordOptions.fromEnv(context, "--password-env", passwordEnv,
                    "the devices' own tokens (no --password-env)"));
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InputException("--host " + host + ": does not resolve");
        }
        boolean tty = "1".equals(context.env().get("IOTJWT_STDERR_TTY"));
        LoadBench.Report r = new LoadBench().run(fleet, new LoadBench.Settings(address, host, bundle.certificates(),
                devices != null ? devices : fleet.ids().size(), c, publishRate, duration, bound, username.username(),
                password, context.clock(), nativeTls), line -> {
                    if (tty) {
                        err.print("\r" + line + "    ");
                        err.flush();
                    }
                });
        if (tty) {
            err.println();
        }
        Renderer.render(spec.commandLine(), format.format(), r, (report, text) -> text(report, text, c, crypto));
        return r.connected() == r.devices() && r.heldAtEnd() == r.connected() && r.failures().isEmpty()
                ? ExitCodes.OK : ExitCodes.PROBLEM;
    }

    /** The text view: rates, latency percentiles, what was held, failures by code. */
    private void text(LoadBench.Report r, PrintWriter out, int c, String crypto) {
        out.printf("%d of %d devices connected in %.2f s: %.0f connects/s (concurrency %d)%n", r.connected(),
                r.devices(), r.connectMillis() / 1000.0, r.connectsPerSecond(), c);
        out.printf("connect (TCP+TLS+CONNACK) ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n", r.connect().p50(),
                r.connect().p95(), r.connect().p99(), r.connect().max());
        if (publishRate > 0) {
            out.printf("publish→PUBACK ms: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f  (%d messages)%n",
                    r.publish().p50(), r.publish().p95(), r.publish().p99(), r.publish().max(), r.published());
        }
        out.println("held " + r.connected() + " connections for " + r.heldMillis() / 1000 + " s; " + r.heldAtEnd()
                + " still answered at the end; devices' TLS: " + r.tls() + ", crypto: " + crypto);
        for (Map.Entry<String, Integer> f : r.failures().entrySet()) {
            out.println("failed: " + f.getValue() + " × " + f.getKey());
        }
    }
}
