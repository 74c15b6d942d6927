package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.Converters;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.keys.Pem;
import dev.iotjwt.material.CHeader;
import dev.iotjwt.material.CertInspector;
import dev.iotjwt.material.OutputFiles;
import dev.iotjwt.tls.Certificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;

/** {@code iotjwt cert export}: certificates as a device embeds them. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write certificates as a C header (one array per certificate: const unsigned char IDENT[] ="
                + " {…}; const unsigned int IDENT_len = N;), as DER (one certificate) or as PEM.",
                "Without --out, C and PEM go to stdout. What breaks a device that embeds a certificate as its root"
                        + " (expired, not yet valid, expiring within 90 days, an intermediate or leaf, a P-384 or RSA"
                        + " 4096 key) is said on stderr and in the array's comment, as cert inspect says it."})
final class CertExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "Certificate or bundle (PEM or DER).")
    Path file;

    @Option(names = "--as", required = true, paramLabel = "FORM", description = "c, der or pem.")
    KeyExportCommand.Form as;

    @Option(names = "--name", paramLabel = "IDENT", description = "The C identifier; a bundle's arrays are IDENT_0,"
            + " IDENT_1, … (default: from the file name).")
    String name;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write (needed for DER).")
    Path out;

    @Option(names = "--force", description = "Overwrite --out if it exists.")
    boolean force;

    @Option(names = "--at", paramLabel = "TIME", converter = Converters.InstantConverter.class,
            description = "Judge validity at this time (a device's clock) instead of now.")
    Instant at;

    private final CliContext context;

    CertExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        if (as == KeyExportCommand.Form.der && out == null) {
            throw new ParameterException(spec.commandLine(), "--as der needs --out FILE (DER is binary)");
        }
        if (name != null && CHeader.problem(name) != null) {
            throw new ParameterException(spec.commandLine(), "--name '" + dev.iotjwt.Messages.quote(name, 60) + "' "
                    + CHeader.problem(name) + "; give another name, such as " + CHeader.ident(name + "_der"));
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (KeyMaterial m : new KeyLoader().read(file, PasswordSource.NONE)) {
            if (m.certificate() != null) {
                certs.add(m.certificate());
            }
        }
        if (certs.isEmpty()) {
            throw new InputException(file + ": holds no certificate", "for keys use iotjwt key export");
        }
        if (as == KeyExportCommand.Form.der && certs.size() > 1) {
            throw new ParameterException(spec.commandLine(), file + " holds " + certs.size() + " certificates; DER"
                    + " holds one: use --as c (one array each) or --as pem");
        }
        Instant now = at != null ? at : context.clock().instant();
        List<List<Finding>> warnings = new ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            List<Finding> w = CertInspector.anchorWarnings(certs.get(i), now);
            warnings.add(w);
            for (Finding f : w) {
                // the same warnings cert inspect gives; written anyway: the caller decides what to embed
                spec.commandLine().getErr().println("iotjwt: warning: " + file + (certs.size() == 1 ? "" : " [" + i
                        + "]") + ": " + f.code() + ": " + f.message());
            }
        }
        String ident = name != null ? name : CHeader.ident(file.getFileName().toString().replaceFirst("\\.[^.]*$",
                ""));
        byte[] bytes;
        try {
            bytes = switch (as) {
                case der -> certs.get(0).getEncoded();
                case pem -> {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (X509Certificate c : certs) {
                        b.writeBytes(Pem.encode("CERTIFICATE", c.getEncoded()).getBytes(StandardCharsets.US_ASCII));
                    }
                    yield b.toByteArray();
                }
                case c -> {
                    List<CHeader.Array> arrays = new ArrayList<>();
                    for (int i = 0; i < certs.size(); i++) {
                        X509Certificate c = certs.get(i);
                        arrays.add(new CHeader.Array(certs.size() == 1 ? ident : ident + "_" + i, c.getEncoded(),
                                "'" + Certificates.name(c) + "', " + Certificates.keyType(c.getPublicKey())
                                        + ", valid to " + c.getNotAfter().toInstant() + ", SHA-256 "
                                        + Certificates.fingerprint(c) + warnings.get(i).stream().map(f -> "; WARNING "
                                        + f.code() + ": " + f.message()).collect(Collectors.joining())));
                    }
                    yield CHeader.render(arrays, file.toString()).getBytes(StandardCharsets.US_ASCII);
                }
            };
        } catch (CertificateEncodingException e) {
            throw new InputException(null, file + ": cannot encode a certificate: " + e.getMessage(), null, e);
        }
        if (out != null) {
            OutputFiles.write(out, bytes, false, force);
            spec.commandLine().getOut().println("wrote " + out + ": " + certs.size() + (certs.size() == 1
                    ? " certificate" : " certificates") + " as " + as + ", " + bytes.length + " bytes");
        } else {
            spec.commandLine().getOut().print(new String(bytes, StandardCharsets.US_ASCII));
        }
        spec.commandLine().getOut().flush();
        spec.commandLine().getErr().flush();
        return ExitCodes.OK;
    }
}
