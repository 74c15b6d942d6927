package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.material.CertInspector;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TlsSockets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code iotjwt cert inspect}: every certificate of a file, bundle or server, readable. */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show every certificate in a file or bundle, or the chain a server presents (shown whether or"
                + " not it verifies, as openssl s_client -showcerts would, but readable): subject, issuer, serial,"
                + " validity and days left, key, signature algorithm, names, CA flag, self-signed, SHA-256, size.",
                "Warns about what breaks devices: expired or expiring within 90 days, an intermediate or leaf"
                        + " offered as a root, a P-384 or RSA 4096 key small crypto engines often cannot verify."})
final class CertInspectCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Certificate or bundle (PEM or DER).")
    Path file;

    @Option(names = "--host", paramLabel = "HOST", description = "Show the chain this server presents instead.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8883",
            description = "Server port (default: ${DEFAULT-VALUE}).")
    int port;

    @ArgGroup(exclusive = true)
    Sni sni;

    static final class Sni {
        @Option(names = "--sni", paramLabel = "NAME", required = true, description = "SNI name (default: the host).")
        String name;

        @Option(names = "--no-sni", required = true, description = "Send no SNI.")
        boolean none;
    }

    @Option(names = "--ca", paramLabel = "FILE", description = "Roots to judge the server's chain by (default: the"
            + " JDK's). Repeatable.")
    List<Path> ca = new ArrayList<>();

    @Option(names = "--at", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Judge validity at this time (a device's clock) instead of now.")
    Instant at;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            converter = Converters.DurationConverter.class, description = "Bound of the handshake (default:"
            + " ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json. Default: ${DEFAULT-VALUE}.")
    ReportFormat format;

    CertInspectCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        // a failed connection is a result (exit 1), not an unusable input
        if (file != null && host != null) {
            throw new ParameterException(spec.commandLine(), "give a FILE or --host HOST, not both");
        }
        if (file == null && host == null) {
            throw new ParameterException(spec.commandLine(), "give a FILE or --host HOST");
        }
        if (file != null && (sni != null || !ca.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "--sni, --no-sni and --ca go with --host");
        }
        Instant now = at != null ? at : context.clock().instant();
        CertInspector.CertReport r;
        if (file != null) {
            r = new CertInspector().inspectFile(file, now);
        } else {
            String sniName = sni != null && sni.none ? null : sni != null ? sni.name
                    : TlsSockets.sniAllowed(host) ? host : null;
            CaBundle roots = ca.isEmpty() ? null : CaBundle.fromFiles(ca, now);
            r = new CertInspector().inspectServer(host, port, new TlsSettings(sniName, List.of(), List.of(),
                    List.of(), List.of(), now), roots == null ? null : roots.certificates(), timeout);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (format == ReportFormat.json) {
            out.println(Json.write(r));
        } else {
            render(out, r);
        }
        out.flush();
        return r.problem() ? ExitCodes.PROBLEM : ExitCodes.OK;
    }

    private static void render(PrintWriter out, CertInspector.CertReport r) {
        if (r.failed()) {
            out.println(r.source() + ": no certificate arrived");
        } else {
            out.println(r.source() + ": " + r.certificates().size() + (r.certificates().size() == 1
                    ? " certificate" : " certificates") + ", " + r.totalBytes() + " bytes of DER" + (r.server()
                    ? " presented" + (r.protocol() == null ? "" : " over " + r.protocol()) : ""));
        }
        if (r.server()) {
            out.println("  SNI        " + (r.sni() != null ? r.sni() : "none sent"));
            if (!r.failed()) {
                out.println(Boolean.TRUE.equals(r.trusted()) ? "  chain verifies against the roots"
                        : "  chain does not verify:");
            }
            for (Finding f : r.findings()) {
                out.println("  " + (f.isError() ? "✖ " : "! ") + f.code() + ": " + f.message());
                if (f.hint() != null) {
                    out.println("    fix: " + f.hint());
                }
            }
        }
        for (CertInspector.CertFacts c : r.certificates()) {
            out.println();
            out.println("[" + c.index() + "] " + c.subject());
            out.println("    issuer     " + c.issuer() + (c.selfSigned() ? " (self-signed)" : ""));
            out.println("    serial     " + c.serial());
            out.println("    valid      " + c.notBefore() + " to " + c.notAfter() + ": " + c.validity()
                    + (c.validity().equals("valid") ? ", " + c.daysLeft() + " days left" : ""));
            out.println("    key        " + c.key() + ", signed " + c.signatureAlgorithm());
            if (!c.sans().isEmpty()) {
                out.println("    names      " + String.join(", ", c.sans()));
            }
            out.println("    CA         " + (c.ca() ? "yes" : "no"));
            out.println("    SHA-256    " + c.fingerprint());
            out.println("    size       " + c.derBytes() + " bytes (DER)");
            for (Finding f : c.warnings()) {
                out.println("    " + (f.isError() ? "✖ " : "! ") + f.code() + ": " + f.message());
                if (f.hint() != null) {
                    out.println("      fix: " + f.hint());
                }
            }
        }
    }
}
