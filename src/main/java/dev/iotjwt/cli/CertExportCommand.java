package dev.iotjwt.cli;

import dev.iotjwt.InputException;
import dev.iotjwt.cli.options.ExportForm;
import dev.iotjwt.cli.options.ExportOptions;
import dev.iotjwt.cli.options.ValidityTimeOptions;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.keys.Pem;
import dev.iotjwt.material.CHeader;
import dev.iotjwt.material.CertInspector;
import dev.iotjwt.tls.Certificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
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

    @Mixin
    ExportOptions export;

    @Mixin
    ValidityTimeOptions at;

    private final CliContext context;

    CertExportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InputException {
        ExportForm as = export.as();
        List<X509Certificate> certs = new ArrayList<>();
        for (KeyMaterial m : new KeyReader().read(file, PasswordSource.NONE).usable()) {
            if (m.certificate() != null) {
                certs.add(m.certificate());
            }
        }
        if (certs.isEmpty()) {
            throw new InputException(file + ": holds no certificate", "for keys use iotjwt key export");
        }
        if (as == ExportForm.der && certs.size() > 1) {
            throw new ParameterException(spec.commandLine(), file + " holds " + certs.size() + " certificates; DER"
                    + " holds one: use --as c (one array each) or --as pem");
        }
        Instant now = at.at(context.clock());
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
        String ident = export.ident(file.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
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
        Path out = export.output().out();
        if (out != null) {
            export.output().write(bytes, false);
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
