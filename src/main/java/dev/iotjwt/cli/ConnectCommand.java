package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.cli.options.DeviceIdentityOptions;
import dev.iotjwt.cli.options.DeviceTlsOptions;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.SessionOptions;
import dev.iotjwt.cli.options.SniOptions;
import dev.iotjwt.cli.options.TargetOptions;
import dev.iotjwt.cli.options.TimeoutOptions;
import dev.iotjwt.cli.options.TokenSourceOptions;
import dev.iotjwt.cli.options.UsernameOptions;
import dev.iotjwt.connect.ConnectDoctor;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.connect.plan.ConnectPlanner;
import dev.iotjwt.diagnose.Diagnosis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

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

    @Option(names = "--profile", paramLabel = "NAME", converter = Converters.ProfileConverter.class,
            description = "google, google-lts, clearblade or local: fills host, port and roots (--host, --port and"
                    + " --ca override them).")
    Profile profile;

    @Mixin
    TargetOptions target;

    @Mixin
    DeviceIdentityOptions identity;

    @Mixin
    UsernameOptions username;

    @Mixin
    TokenSourceOptions token;

    @Mixin
    SniOptions sni;

    @Mixin
    DeviceTlsOptions deviceTls;

    @Mixin
    TimeoutOptions timeout;

    @Mixin
    SessionOptions session;

    @Option(names = "--expect", paramLabel = "ok|CODE",
            description = "Exit 0 exactly when the outcome is this: ok, a finding code, or a CONNACK number.")
    String expect;

    @Mixin
    FormatOptions format;

    ConnectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (profile == null && target.host(null) == null) {
            throw new ParameterException(spec.commandLine(), "give --profile or --host");
        }
        String jwt = token.jwt();
        ConnectPlanner.Session what = session.session(token.key() != null);
        ConnectPlanner.Plan plan = new ConnectPlanner(context.clock(), context.env()).plan(
                new ConnectPlanner.Target(profile, target.host(null), target.port(), identity.region(), target.ca()),
                new ConnectPlanner.Device(identity.clientId(), this::audience, identity.deviceId(),
                        username.username()),
                new ConnectPlanner.Token(token.key(), token.passwords(context), token.ttl(), jwt),
                new ConnectPlanner.Tls(sni.send(), sni.name(), deviceTls.deviceTime(), deviceTls::settings),
                timeout.timeout(), what);
        if (plan.privateKeyFile() != null) {
            SecretWarnings.privateKeyFile(spec.commandLine(), plan.privateKeyFile());
        }
        Diagnosis d = new ConnectDoctor().run(plan.request());
        Renderer.render(spec.commandLine(), format.format(), d, (r, out) -> new DiagnosisView(out).render(r));
        return exitCode(d);
    }

    /** The minted token's aud: --project or the client id's project; neither is a usage error. */
    private String audience() {
        String aud = identity.audience();
        if (aud == null) {
            throw new ParameterException(spec.commandLine(), "--key needs the project for the token's aud: give"
                    + " --project or a client id projects/P/...");
        }
        return aud;
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
}
