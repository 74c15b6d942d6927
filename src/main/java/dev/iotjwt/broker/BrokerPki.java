package dev.iotjwt.broker;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
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
    static final String SERVER_RSA_CERT = "server-rsa.pem";
    public static final String SERVER_RSA_KEY = "server-rsa-key.pem";

    /** Whether a file of the state folder is there: a symbolic link counts, so that it is refused, not written through. */
    private static boolean present(Path file) {
        return Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** The file itself, refused when it is a symbolic link or not a regular file. */
    private static Path regular(Path file) throws InputException {
        if (Files.isSymbolicLink(file)) {
            throw new InputException(null, file + ": is a symbolic link; the broker never reads or writes its"
                    + " certificates and keys through a link (someone may have planted it)", "delete the link, or"
                    + " give --state-dir a folder of your own", null);
        }
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new InputException(null, file + ": is not a regular file", "delete it, or give --state-dir another"
                    + " folder", null);
        }
        return file;
    }

    /**
     * Refuses a state folder that another user owns or that others may write to: whoever can write there can plant
     * a certificate, a key or a link the broker would then use.
     */
    static void requireSafeFolder(Path dir) throws InputException, IOException {
        java.nio.file.attribute.PosixFileAttributes a;
        try {
            a = Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX owners and modes on this file system
        }
        String me = System.getProperty("user.name");
        if (me != null && !a.owner().getName().equals(me)) {
            throw new InputException(null, dir + ": the broker's state folder belongs to " + a.owner().getName()
                    + ", not to " + me + "; its CA key and certificates must be yours alone", "give --state-dir a"
                    + " folder of your own", null);
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> p = a.permissions();
        if (p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
                || p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)) {
            throw new InputException(null, dir + ": the broker's state folder is open to others' writes (mode "
                    + java.nio.file.attribute.PosixFilePermissions.toString(p) + "): they could plant a certificate,"
                    + " a key or a link the broker would use", "chmod 700 " + dir, null);
        }
    }

    /**
     * Loads the PKI in {@code dir}, creating what is missing; the server certificate covers {@code hostnames}. A
     * server certificate that lacks one of them is issued anew by the same CA, so clients keep their {@code --ca}.
     */
    public static BrokerPki ensure(Path dir, List<String> hostnames, java.time.Clock clock) throws InputException {
        return ensure(dir, hostnames, clock, false);
    }

    /**
     * As {@link #ensure(Path, List, java.time.Clock)}; with {@code rsa} the server certificate has an RSA 2048 key
     * (kept apart from the EC one, in {@code server-rsa.pem}), as the front ends that presented RSA certificates did.
     * The state folder must belong to the user and be closed to others' writes; no file in it is read or written
     * through a symbolic link.
     */
    public static BrokerPki ensure(Path dir, List<String> hostnames, java.time.Clock clock, boolean rsa)
            throws InputException {
        Instant now = clock.instant();
        String serverCert = rsa ? SERVER_RSA_CERT : SERVER_CERT;
        String serverKey = rsa ? SERVER_RSA_KEY : SERVER_KEY;
        try {
            dev.iotjwt.keys.SecretFiles.createPrivateDirectories(dir);
            requireSafeFolder(dir);
            Path caFile = dir.resolve(CA_CERT);
            if (!present(caFile)) {
                createCa(dir, now);
            }
            KeyReader reader = new KeyReader();
            X509Certificate ca = reader.read(regular(caFile), PasswordSource.NONE).usable().get(0).certificate();
            if (!present(dir.resolve(serverCert)) || !present(dir.resolve(serverKey))
                    || !covers(reader.read(regular(dir.resolve(serverCert)), PasswordSource.NONE).usable().get(0)
                    .certificate(), hostnames, now)) {
                PrivateKey caKey = reader.privateKey(regular(dir.resolve(CA_KEY)), PasswordSource.NONE)
                        .privateKey();
                issueServer(dir, ca, caKey, hostnames, now, rsa);
            }
            List<KeyMaterial> server = reader.read(regular(dir.resolve(serverCert)), PasswordSource.NONE).usable();
            KeyMaterial key = reader.privateKey(regular(dir.resolve(serverKey)), PasswordSource.NONE);
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
        Files.deleteIfExists(dir.resolve(SERVER_RSA_CERT));
        writeSecret(dir.resolve(CA_KEY), Pem.encode("PRIVATE KEY", caKeys.getPrivate().getEncoded()));
        writePublic(dir.resolve(CA_CERT), Pem.encode("CERTIFICATE", ca.getEncoded()));
    }

    private static void issueServer(Path dir, X509Certificate ca, PrivateKey caKey, List<String> hostnames,
                                    Instant now, boolean rsa)
            throws IOException, java.security.GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException {
        KeyPair serverKeys = rsa ? rsaKeys() : ecKeys();
        List<GeneralName> names = new ArrayList<>();
        for (String h : hostnames) {
            names.add(new GeneralName(h.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, h));
        }
        JcaX509v3CertificateBuilder sb = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))),
                new X500Name("CN=" + hostnames.get(0) + ", O=iotjwt"), serverKeys.getPublic());
        sb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        sb.addExtension(Extension.keyUsage, true, new KeyUsage(rsa ? KeyUsage.digitalSignature
                | KeyUsage.keyEncipherment : KeyUsage.digitalSignature));
        sb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        sb.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(GeneralName[]::new)));
        sb.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
        X509Certificate server = sign(sb, caKey);
        String cert = rsa ? SERVER_RSA_CERT : SERVER_CERT;
        String key = rsa ? SERVER_RSA_KEY : SERVER_KEY;
        Files.deleteIfExists(dir.resolve(key));
        writeSecret(dir.resolve(key), Pem.encode("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
        writePublic(dir.resolve(cert), Pem.encode("CERTIFICATE", server.getEncoded())
                + Pem.encode("CERTIFICATE", ca.getEncoded()));
    }

    /** What Google's front end presented to a client that sent no SNI: a self-signed placeholder. */
    record Placeholder(X509Certificate cert, PrivateKey key) {
    }

    static Placeholder placeholder(Instant now) {
        return placeholder(now, false);
    }

    /** The placeholder, with an RSA key where the front end's suites need one. */
    static Placeholder placeholder(Instant now, boolean rsa) {
        try {
            KeyPair keys = rsa ? rsaKeys() : ecKeys();
            X500Name name = new X500Name("CN=invalid2.invalid, OU=No SNI provided; please fix your client.");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), name,
                    keys.getPublic());
            return new Placeholder(sign(b, keys.getPrivate()), keys.getPrivate());
        } catch (java.security.GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot make the no-SNI placeholder certificate", e);
        }
    }

    private static KeyPair rsaKeys() throws java.security.GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
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
        String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg)
                .build(key)));
    }

    /** A certificate file, written anew: a link planted under its name is removed, never followed. */
    private static void writePublic(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try (java.io.OutputStream out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            out.write(content.getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void writeSecret(Path file, String content) throws IOException {
        dev.iotjwt.keys.SecretFiles.create(file, content.getBytes(StandardCharsets.US_ASCII));
    }
}
