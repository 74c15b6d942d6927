package dev.iotjwt.testsupport.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An in-memory certificate authority for TLS tests: a self-signed root (EC P-256, RSA 2048 or an expired one),
 * optional intermediates, and server leaves with DNS/IP subject alternative names. Certificates are built with
 * Bouncy Castle's builder and signed and parsed with the JDK providers; no provider is registered globally.
 *
 * <p>Validity is relative to the {@code now} given to the root factory (the real clock by default): roots
 * now-1d..now+3650d, intermediates the same, leaves now-1d..now+365d.
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Duration DAY = Duration.ofDays(1);

    private final KeyPair keys;
    private final X509Certificate cert;
    private final X509Certificate root;
    /** Certificates between a leaf and the root, nearest to the leaf first; empty for a root. */
    private final List<X509Certificate> intermediates;
    private final Instant now;

    /**
     * A server key and certificate with the chain a server sends.
     *
     * @param key   the leaf's private key
     * @param cert  the leaf certificate
     * @param chain what the server sends: the leaf first, then intermediates; never the root unless asked for
     */
    public record Issued(PrivateKey key, X509Certificate cert, List<X509Certificate> chain) {
        public Issued {
            chain = List.copyOf(chain);
        }

        /** The same key and leaf with a chain of the leaf alone: a server that omits its intermediate (T7). */
        public Issued leafOnly() {
            return new Issued(key, cert, List.of(cert));
        }

        /** The same key and leaf with the given certificates appended to the chain (for example the root). */
        public Issued plus(X509Certificate... extra) {
            List<X509Certificate> longer = new ArrayList<>(chain);
            longer.addAll(List.of(extra));
            return new Issued(key, cert, longer);
        }
    }

    private TestPki(KeyPair keys, X509Certificate cert, X509Certificate root, List<X509Certificate> intermediates,
                    Instant now) {
        this.keys = keys;
        this.cert = cert;
        this.root = root;
        this.intermediates = List.copyOf(intermediates);
        this.now = now;
    }

    /** A self-signed EC P-256 root valid from yesterday for ten years. */
    public static TestPki ecRoot(String cn) {
        return ecRoot(cn, Instant.now());
    }

    /** A self-signed EC P-256 root whose validity (and that of everything it issues) is relative to {@code now}. */
    public static TestPki ecRoot(String cn, Instant now) {
        return root(cn, ecKeys("secp256r1"), now.minus(DAY), now.plus(Duration.ofDays(3650)), now);
    }

    /** A self-signed EC P-384 root (for device crypto that only handles P-256: row T3). */
    public static TestPki ecP384Root(String cn) {
        return ecP384Root(cn, Instant.now());
    }

    /** A self-signed EC P-384 root whose validity is relative to {@code now}. */
    public static TestPki ecP384Root(String cn, Instant now) {
        return root(cn, ecKeys("secp384r1"), now.minus(DAY), now.plus(Duration.ofDays(3650)), now);
    }

    /** A self-signed RSA 2048 root valid from yesterday for ten years. */
    public static TestPki rsaRoot(String cn) {
        return rsaRoot(cn, Instant.now());
    }

    /** A self-signed RSA 2048 root whose validity is relative to {@code now}. */
    public static TestPki rsaRoot(String cn, Instant now) {
        return root(cn, rsaKeys(), now.minus(DAY), now.plus(Duration.ofDays(3650)), now);
    }

    /** A self-signed EC P-256 root valid from {@code notBefore} to {@code notAfter}; its leaves are relative to now. */
    public static TestPki ecRoot(String cn, Instant notBefore, Instant notAfter, Instant now) {
        return root(cn, ecKeys("secp256r1"), notBefore, notAfter, now);
    }

    /** A self-signed EC P-256 root valid 2010-01-01..2020-01-01; its leaves are still valid now (row P3). */
    public static TestPki expiredRoot(String cn) {
        return root(cn, ecKeys("secp256r1"), Instant.parse("2010-01-01T00:00:00Z"),
                Instant.parse("2020-01-01T00:00:00Z"), Instant.now());
    }

    /** The self-signed root of this hierarchy. */
    public X509Certificate root() {
        return root;
    }

    /** This CA's own certificate (the root itself for a root). */
    public X509Certificate certificate() {
        return cert;
    }

    /** The intermediates between this CA's leaves and the root, nearest to the leaf first. */
    public List<X509Certificate> intermediates() {
        return intermediates;
    }

    /** An EC P-256 CA issued by this one; leaves it issues chain through it. */
    public TestPki intermediate(String cn) {
        KeyPair caKeys = ecKeys("secp256r1");
        X509Certificate ca = sign(builder(cn, caKeys, now.minus(DAY), now.plus(Duration.ofDays(3650)))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, utils().createSubjectKeyIdentifier(caKeys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(cert)));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(ca);
        chain.addAll(intermediates);
        return new TestPki(caKeys, ca, root, chain, now);
    }

    /** An EC P-256 server leaf valid now-1d..now+365d for the given DNS names (IPv4 literals become IP SANs). */
    public Issued leaf(String... names) {
        return leaf(now.minus(DAY), now.plus(Duration.ofDays(365)), names);
    }

    /** An EC P-256 server leaf with explicit validity (expired: T8, not yet valid: T9). */
    public Issued leaf(Instant notBefore, Instant notAfter, String... names) {
        return issue(ecKeys("secp256r1"), notBefore, notAfter, names);
    }

    /**
     * An EC P-256 server leaf that carries a non-critical private extension of {@code fillerBytes} bytes, so the
     * certificate is about that large (a 1 MB certificate: the server's handshake message outgrows every client's
     * limit). The extension's OID is under the example arc 1.3.6.1.4.1.55555.
     */
    public Issued leafWithFiller(int fillerBytes, String... names) {
        return issue(ecKeys("secp256r1"), now.minus(DAY), now.plus(Duration.ofDays(365)),
                new ASN1ObjectIdentifier("1.3.6.1.4.1.55555.1.1"), new DEROctetString(new byte[fillerBytes]), names);
    }

    /**
     * A hierarchy of {@code certificates} certificates that a server sends whole: the leaf for {@code names}, then
     * {@code certificates - 2} intermediates (each issued by the next, without a path length limit), then the
     * self-signed root. All are EC P-256 and really signed; validity is relative to {@code now}.
     *
     * @return the root (to trust) and the chain to serve, root included
     */
    public static LongChain longChain(int certificates, Instant now, String... names) {
        if (certificates < 2) {
            throw new IllegalArgumentException("a chain with a root and a leaf has at least 2 certificates");
        }
        TestPki ca = ecRoot("Long Chain Root", now);
        for (int i = certificates - 2; i >= 1; i--) {
            KeyPair caKeys = ecKeys("secp256r1");
            X509Certificate c = ca.sign(ca.builder("Long Chain CA " + i, caKeys, now.minus(DAY),
                    now.plus(Duration.ofDays(3650)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
            List<X509Certificate> below = new ArrayList<>();
            below.add(c);
            below.addAll(ca.intermediates);
            ca = new TestPki(caKeys, c, ca.root, below, now);
        }
        Issued leaf = ca.leaf(names).plus(ca.root);
        return new LongChain(ca.root, leaf);
    }

    /**
     * A long chain to serve.
     *
     * @param root   its self-signed root
     * @param issued the leaf's key and the whole chain, leaf first, root last
     */
    public record LongChain(X509Certificate root, Issued issued) {
    }

    /** An EC P-384 server leaf (row T3). */
    public Issued leafP384(String... names) {
        return issue(ecKeys("secp384r1"), now.minus(DAY), now.plus(Duration.ofDays(365)), names);
    }

    /** An RSA 2048 server leaf. */
    public Issued leafRsa(String... names) {
        return issue(rsaKeys(), now.minus(DAY), now.plus(Duration.ofDays(365)), names);
    }

    /** Writes the root as PEM to {@code file} and returns the file. */
    public Path writeRootPem(Path file) {
        return writePem(file, root);
    }

    /** Writes certificates as concatenated PEM blocks to {@code file} and returns the file. */
    public static Path writePem(Path file, X509Certificate... certs) {
        try {
            Files.writeString(file, pem(certs), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Certificates as concatenated PEM blocks. */
    public static String pem(X509Certificate... certs) {
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certs) {
            try {
                sb.append("-----BEGIN CERTIFICATE-----\n")
                        .append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    private Issued issue(KeyPair leafKeys, Instant notBefore, Instant notAfter, String... names) {
        return issue(leafKeys, notBefore, notAfter, null, null, names);
    }

    private Issued issue(KeyPair leafKeys, Instant notBefore, Instant notAfter, ASN1ObjectIdentifier extraOid,
                         ASN1Encodable extraValue, String... names) {
        if (names.length == 0) {
            throw new IllegalArgumentException("a leaf needs at least one name");
        }
        GeneralName[] sans = new GeneralName[names.length];
        for (int i = 0; i < names.length; i++) {
            int type = IPV4.matcher(names[i]).matches() ? GeneralName.iPAddress : GeneralName.dNSName;
            sans[i] = new GeneralName(type, names[i]);
        }
        int usage = "RSA".equals(leafKeys.getPublic().getAlgorithm())
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
        Ext leafBuilder = builder(names[0], leafKeys, notBefore, notAfter);
        if (extraOid != null) {
            leafBuilder.addExtension(extraOid, false, extraValue);
        }
        X509Certificate leaf = sign(leafBuilder
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(usage))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                .addExtension(Extension.subjectKeyIdentifier, false, utils().createSubjectKeyIdentifier(leafKeys.getPublic()))
                .addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId(cert)));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(intermediates);
        return new Issued(leafKeys.getPrivate(), leaf, chain);
    }

    private static TestPki root(String cn, KeyPair keys, Instant notBefore, Instant notAfter, Instant now) {
        X500Principal name = subject(cn);
        X509Certificate self = signWith(keys.getPrivate(), new Ext(new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(notBefore), Date.from(notAfter), name, keys.getPublic()))
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, utils().createSubjectKeyIdentifier(keys.getPublic())));
        return new TestPki(keys, self, self, List.of(), now);
    }

    private Ext builder(String cn, KeyPair subjectKeys, Instant notBefore, Instant notAfter) {
        return new Ext(new JcaX509v3CertificateBuilder(cert.getSubjectX500Principal(), serial(),
                Date.from(notBefore), Date.from(notAfter), subject(cn), subjectKeys.getPublic()));
    }

    private X509Certificate sign(Ext ext) {
        return signWith(keys.getPrivate(), ext);
    }

    private static X509Certificate signWith(PrivateKey issuerKey, Ext ext) {
        String alg = "RSA".equals(issuerKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(ext.builder.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static X500Principal subject(String cn) {
        return new X500Principal("CN=" + cn.replace(",", "\\,") + ", O=iotjwt tests");
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static AuthorityKeyIdentifier authorityKeyId(X509Certificate issuer) {
        try {
            return utils().createAuthorityKeyIdentifier(issuer);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JcaX509ExtensionUtils utils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ecKeys(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Wraps the builder so that adding an extension does not throw a checked exception. */
    private static final class Ext {
        private final X509v3CertificateBuilder builder;

        Ext(X509v3CertificateBuilder builder) {
            this.builder = builder;
        }

        Ext addExtension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
            try {
                builder.addExtension(oid, critical, value);
                return this;
            } catch (CertIOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
