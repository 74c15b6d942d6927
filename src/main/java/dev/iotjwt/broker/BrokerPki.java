package dev.iotjwt.broker;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyLoader;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.keys.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The local broker's CA and server certificate, in its state folder: made on first start (keys written owner-only
 * from creation, never chmod-ed afterwards), reused afterwards. The server sends its CA certificate after its own,
 * so a client with the wrong root learns which root it needs.
 *
 * @param caFile      the CA certificate to give clients ({@code --ca})
 * @param ca          the CA certificate
 * @param serverChain server certificate then CA certificate
 * @param serverKey   the server's private key
 */
public record BrokerPki(Path caFile, X509Certificate ca, List<X509Certificate> serverChain, PrivateKey serverKey) {

    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";

    /**
     * Loads the PKI in {@code dir}, creating what is missing; the server certificate covers {@code hostnames}. A
     * server certificate that lacks one of them is issued anew by the same CA, so clients keep their {@code --ca}.
     */
    public static BrokerPki ensure(Path dir, List<String> hostnames, java.time.Clock clock) throws InputException {
        Instant now = clock.instant();
        try {
            dev.iotjwt.keys.SecretFiles.createPrivateDirectories(dir);
            Path caFile = dir.resolve(CA_CERT);
            if (!Files.exists(caFile)) {
                createCa(dir, now);
            }
            KeyLoader loader = new KeyLoader();
            X509Certificate ca = loader.read(caFile, PasswordSource.NONE).get(0).certificate();
            if (!Files.exists(dir.resolve(SERVER_CERT)) || !covers(loader.read(dir.resolve(SERVER_CERT),
                    PasswordSource.NONE).get(0).certificate(), hostnames, now)) {
                PrivateKey caKey = loader.readPrivateKey(dir.resolve(CA_KEY), PasswordSource.NONE).privateKey();
                issueServer(dir, ca, caKey, hostnames, now);
            }
            List<KeyMaterial> server = loader.read(dir.resolve(SERVER_CERT), PasswordSource.NONE);
            KeyMaterial key = loader.readPrivateKey(dir.resolve(SERVER_KEY), PasswordSource.NONE);
            List<X509Certificate> chain = new ArrayList<>();
            for (KeyMaterial m : server) {
                chain.add(m.certificate());
            }
            return new BrokerPki(caFile, ca, List.copyOf(chain), key.privateKey());
        } catch (IOException e) {
            throw new InputException(null, dir + ": cannot create the broker's certificates: " + fileProblem(e, dir),
                    "give --state-dir a folder you can write, or one that can be created", e);
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new InputException(null, dir + ": cannot create the broker's certificates: "
                    + dev.iotjwt.Messages.cause(e), null, e);
        }
    }

    /** What went wrong with a file, in plain words: the JDK's messages for these are the bare path. */
    static String fileProblem(IOException e, Path dir) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String file = f.getFile() == null || Path.of(f.getFile()).toAbsolutePath().equals(dir.toAbsolutePath())
                    ? "" : dev.iotjwt.Messages.quote(f.getFile(), 300) + ": ";
            if (f instanceof java.nio.file.NoSuchFileException) {
                return file + "no such file or folder, and the system refuses to create it there";
            }
            if (f instanceof java.nio.file.AccessDeniedException) {
                return file + "permission denied";
            }
            if (f instanceof java.nio.file.FileAlreadyExistsException
                    || f instanceof java.nio.file.NotDirectoryException) {
                return file + "is not a folder";
            }
            if (f.getReason() != null) {
                return file + f.getReason().toLowerCase(java.util.Locale.ROOT);
            }
        }
        return dev.iotjwt.Messages.cause(e);
    }

    private static boolean covers(X509Certificate server, List<String> hostnames, Instant now) {
        List<String> have = dev.iotjwt.tls.Certificates.sans(server).stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).toList();
        return hostnames.stream().allMatch(h -> have.contains(h.toLowerCase(java.util.Locale.ROOT)))
                && server.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(1)))
                && !server.getNotBefore().toInstant().isAfter(now);
    }

    private static void createCa(Path dir, Instant now) throws IOException, java.security.GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException {
        KeyPair caKeys = ecKeys();
        X500Name caName = new X500Name("CN=iotjwt local broker CA, O=iotjwt");
        JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), caName,
                caKeys.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        caBuilder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(caKeys.getPublic()));
        X509Certificate ca = sign(caBuilder, caKeys.getPrivate());
        Files.deleteIfExists(dir.resolve(CA_KEY));
        Files.deleteIfExists(dir.resolve(SERVER_CERT));
        writeSecret(dir.resolve(CA_KEY), Pem.encode("PRIVATE KEY", caKeys.getPrivate().getEncoded()));
        Files.writeString(dir.resolve(CA_CERT), Pem.encode("CERTIFICATE", ca.getEncoded()));
    }

    private static void issueServer(Path dir, X509Certificate ca, PrivateKey caKey, List<String> hostnames,
                                    Instant now)
            throws IOException, java.security.GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException {
        KeyPair serverKeys = ecKeys();
        List<GeneralName> names = new ArrayList<>();
        for (String h : hostnames) {
            names.add(new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        JcaX509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=" + hostnames.get(0) + ", O=iotjwt"), serverKeys.getPublic());
        sb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        sb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        sb.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
        sb.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        X509Certificate server = sign(sb, caKey);
        Files.deleteIfExists(dir.resolve(SERVER_KEY));
        writeSecret(dir.resolve(SERVER_KEY), Pem.encode("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
        Files.writeString(dir.resolve(SERVER_CERT), Pem.encode("CERTIFICATE", server.getEncoded())
                + Pem.encode("CERTIFICATE", ca.getEncoded()));
    }

    /** What Google's front end presented to a client that sent no SNI: a self-signed placeholder. */
    record Placeholder(X509Certificate cert, PrivateKey key) {
    }

    static Placeholder placeholder(Instant now) {
        try {
            KeyPair keys = ecKeys();
            X500Name name = new X500Name("CN=invalid2.invalid, OU=No SNI provided; please fix your client.");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    keys.getPublic());
            return new Placeholder(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot make the no-SNI placeholder certificate", e);
        }
    }

    private static KeyPair ecKeys() throws java.security.GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
            throws java.security.GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(key)));
    }

    private static void writeSecret(Path file, String content) throws IOException {
        dev.iotjwt.keys.SecretFiles.create(file, content.getBytes(StandardCharsets.US_ASCII));
    }
}
