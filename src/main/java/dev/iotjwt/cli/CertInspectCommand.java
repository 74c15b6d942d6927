package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.FormatOptions;
import dev.iotjwt.cli.options.SniOptions;
import dev.iotjwt.cli.options.TargetOptions;
import dev.iotjwt.cli.options.TimeoutOptions;
import dev.iotjwt.cli.options.ValidityTimeOptions;
import dev.iotjwt.material.CertInspector;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt cert inspect}: every certificate of a file, bundle or server, readable. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show every certificate in a file or bundle, or the chain a server presents (shown whether or"
                + " not it verifies, as openssl s_client -showcerts would, but readable): subject, issuer, serial,"
                + " validity and days left, key, signature algorithm, names, CA flag, self-signed, SHA-256, size.",
                "Warns about what breaks devices: expired or expiring within 90 days, an intermediate or leaf"
                        + " offered as a root, a P-384 or RSA 4096 key small crypto engines often cannot verify.",
                "With --host the chain is judged by the roots given with --ca, by default the JDK's."})
final class CertInspectCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Certificate or bundle (PEM or DER); or give"
            + " --host instead.")
    Path file;

    @Mixin
    TargetOptions server;

    @Mixin
    SniOptions sni;

    @Mixin
    ValidityTimeOptions at;

    @Mixin
    TimeoutOptions timeout;

    @Mixin
    FormatOptions format;

    CertInspectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        // a failed connection is a result (exit 1), not an unusable input
        String host = server.host(null);
        if (file != null && host != null) {
            throw new ParameterException(spec.commandLine(), "give a FILE or --host HOST, not both");
        }
        if (file == null && host == null) {
            throw new ParameterException(spec.commandLine(), "give a FILE or --host HOST");
        }
        if (file != null && (sni.given() || !server.ca().isEmpty())) {
            throw new ParameterException(spec.commandLine(), "--sni, --no-sni and --ca go with --host");
        }
        Instant now = at.at(context.clock());
        CertInspector.CertReport r;
        if (file != null) {
            r = new CertInspector().inspectFile(file, now);
        } else {
            CaBundle roots = server.ca().isEmpty() ? null : CaBundle.fromFiles(server.ca(), now);
            r = new CertInspector().inspectServer(host, server.port(8883), new TlsSettings(sni.sniFor(host),
                    List.of(), List.of(), List.of(), List.of(), now), roots == null ? null : roots.certificates(),
                    timeout.timeout());
        }
        Renderer.render(spec.commandLine(), format.format(), r, CertReportView::render);
        return r.problem() ? ExitCodes.PROBLEM : ExitCodes.OK;
    }
}
