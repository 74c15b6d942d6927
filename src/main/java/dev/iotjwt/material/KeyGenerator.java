package dev.iotjwt.material;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Device key pairs as IoT Core's documentation made them: RSA 2048 or EC P-256, the private key as PKCS#8 PEM
 * (owner-only), the public key PEM, and a self-signed certificate for the {@code *_X509_PEM} formats.
 */
public final class KeyGenerator {
    /** rsa or ec. */
    public enum Type {
        rsa, ec
    }

    /**
     * What was made.
     *
     * @param privateKey  the private key file
     * @param publicKey   the public key file (register as {@code publicFormat})
     * @param certificate the self-signed certificate file (register as {@code certFormat})
     * @param fingerprint SHA-256 of the public key
     */
    public record Generated(Path privateKey, Path publicKey, Path certificate, String type, String fingerprint,
                            String publicFormat, String certFormat, Instant certExpires) {
    }

    public Generated generate(Type type, Path dir, String name, int certDays, boolean force, Instant now)
            throws InputException {
        Path priv = dir.resolve(name + "_private.pem");
        Path pub = dir.resolve(name + "_public.pem");
        Path cert = dir.resolve(name + "_cert.pem");
        for (Path p : List.of(priv, pub, cert)) {
            if (Files.exists(p) && !force) {
                throw new InputException(p + ": exists; nothing was written", "choose another --name or"
                        + " --out-dir, or add --force");
            }
        }
        try {
            dev.iotjwt.keys.SecretFiles.createPrivateDirectories(dir);
        } catch (java.io.IOException e) {
            throw new InputException(dir + ": cannot create the folder: " + e.getMessage());
        }
        KeyPair pair;
        X509Certificate x509;
        Instant expires = now.plus(Duration.ofDays(certDays)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(type == Type.rsa ? "RSA" : "EC");
            if (type == Type.rsa) {
                g.initialize(2048);
            } else {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            }
            pair = g.generateKeyPair();
            X500Name subject = new X500Name("CN=" + name.replaceAll("[,+=\"\\\\<>;#]", "_"));
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now),
                    Date.from(expires), subject, pair.getPublic());
            x509 = new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(
                    type == Type.rsa ? "SHA256withRSA" : "SHA256withECDSA").build(pair.getPrivate())));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new InputException(null, "cannot make the key pair: " + e.getMessage(), null, e);
        }
        OutputFiles.write(priv, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded())
                .getBytes(StandardCharsets.US_ASCII), true, force);
        OutputFiles.write(pub, Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded())
                .getBytes(StandardCharsets.US_ASCII), false, force);
        try {
            OutputFiles.write(cert, Pem.encode("CERTIFICATE", x509.getEncoded()).getBytes(StandardCharsets.US_ASCII),
                    false, force);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new InputException(null, "cannot encode the certificate: " + e.getMessage(), null, e);
        }
        String prefix = type == Type.rsa ? "RSA" : "ES256";
        return new Generated(priv, pub, cert, type == Type.rsa ? "RSA 2048" : "EC P-256",
                Fingerprints.sha256(pair.getPublic()), prefix + "_PEM", prefix + "_X509_PEM", expires);
    }
}
