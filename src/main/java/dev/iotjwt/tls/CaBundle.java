package dev.iotjwt.tls;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.keys.Pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Root CA certificates to trust, from files (PEM or DER, one certificate or a bundle) or from the bundles shipped in
 * the jar, with the warnings a device maker needs even where Java does not care (expired roots, non-roots).
 *
 * @param certificates every certificate read
 * @param names        the files or bundles they came from
 * @param bytes        total size in bytes, as a device would embed them
 * @param findings     ca.* findings
 */
public record CaBundle(List<X509Certificate> certificates, List<String> names, long bytes, List<Finding> findings) {

    /** Reads CA files; unreadable files and files without certificates become findings, not exceptions. */
    public static CaBundle fromFiles(List<Path> files, Instant at) {
        List<X509Certificate> certs = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            names.add(file.toString());
            try {
                byte[] data = InputFiles.read(file);
                bytes += data.length;
                certs.addAll(parse(data, file.toString(), findings));
            } catch (InputException e) {
                findings.add(Finding.error("ca.unreadable", "CA file " + e.getMessage(), e.hint()));
            }
        }
        return finish(certs, names, bytes, findings, at);
    }

    /** Reads bundles shipped in the jar under {@code certs/}. */
    public static CaBundle fromResources(List<String> resources, Instant at) {
        List<X509Certificate> certs = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        long bytes = 0;
        for (String name : resources) {
            try (InputStream in = CaBundle.class.getResourceAsStream("/certs/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("certs/" + name + " is missing from the jar");
                }
                byte[] data = in.readAllBytes();
                bytes += data.length;
                certs.addAll(parse(data, "certs/" + name, findings));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read certs/" + name + " from the jar", e);
            }
        }
        return finish(certs, resources.stream().map(r -> "certs/" + r).toList(), bytes, findings, at);
    }

    private static CaBundle finish(List<X509Certificate> certs, List<String> names, long bytes,
                                   List<Finding> findings, Instant at) {
        if (certs.isEmpty() && findings.stream().noneMatch(f -> f.isError() && f.code().equals("ca.unreadable"))) {
            findings.add(Finding.error("ca.empty", "no certificates in " + String.join(", ", names)
                    + ": TLS cannot be verified", "give the root CA certificate(s) as PEM or DER"));
        }
        for (X509Certificate c : certs) {
            String subject = Certificates.name(c);
            if (c.getNotAfter().before(Date.from(at))) {
                findings.add(Finding.warning("ca.expired", "root '" + subject + "' expired on "
                        + c.getNotAfter().toInstant() + "; Java still trusts an expired root, but OpenSSL and mbedTLS"
                        + " firmware reject it", "ship a current root; for the LTS domain, both GTS LTSR and the"
                        + " backup GlobalSign ECC Root CA R4"));
            }
            if (!Certificates.selfSigned(c)) {
                findings.add(Finding.warning("ca.not-self-signed", "'" + subject + "' in the CA file is not a root:"
                        + " it is issued by '" + Certificates.issuerName(c) + "'; the device breaks when the server"
                        + " rotates its chain", "embed the self-signed root that issued it"));
            }
        }
        return new CaBundle(List.copyOf(certs), List.copyOf(names), bytes, findings);
    }

    private static List<X509Certificate> parse(byte[] data, String source, List<Finding> findings) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            String text = new String(data, StandardCharsets.UTF_8);
            if (Pem.looksLikePem(text)) {
                for (Pem.Block b : Pem.parse(text, source)) {
                    if (b.label().contains("CERTIFICATE") && !b.label().contains("REQUEST")) {
                        out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der())));
                    } else {
                        findings.add(Finding.warning("ca.unreadable", "CA file " + source + ": skipped a '"
                                + b.label() + "' block, which is not a certificate", "a CA file holds certificates"
                                + " only"));
                    }
                }
            } else if (data.length > 0 && (data[0] & 0xff) == 0x30) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(data)));
            } else if (data.length > 0) {
                findings.add(Finding.error("ca.unreadable", "CA file " + source + " is neither PEM nor DER",
                        "give the root certificate itself, PEM or DER"));
            }
        } catch (InputException e) {
            findings.add(Finding.error("ca.unreadable", "CA file " + e.getMessage(), e.hint()));
        } catch (CertificateException | RuntimeException e) {
            findings.add(Finding.error("ca.unreadable", "CA file " + source + " could not be read as an X.509"
                    + " certificate: " + dev.iotjwt.Messages.cause(e), "give the root certificate itself, PEM or DER"));
        }
        return out;
    }
}
