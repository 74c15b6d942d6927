package dev.iotjwt.keys;

import dev.iotjwt.keys.Der.DerException;
import dev.iotjwt.keys.Der.Node;
import dev.iotjwt.keys.KeyMaterial.Container;
import dev.iotjwt.keys.KeyMaterial.Encoding;
import dev.iotjwt.keys.KeyMaterial.Kind;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed448PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X448PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Says what a key is when it cannot be used, for {@code key inspect}: a type or curve IoT Core never took (Ed25519,
 * secp256k1, …) and an encrypted key whose password was not given. Never makes such a key usable: the commands that
 * sign or verify keep the reader's refusal. Loads Bouncy Castle (only for these files).
 */
public final class KeyDescriber {

    /**
     * What such a key is.
     *
     * @param type        "Ed25519", "EC secp256k1", or "encrypted" when encryption hides it
     * @param protection  how an encrypted key is protected (scheme, key derivation, cipher), else null
     * @param fingerprint SHA-256 of its public key's SubjectPublicKeyInfo, when it can be told without a password
     * @param jwtAlg      the JOSE algorithm the key would serve (ES256K, EdDSA, …), or null
     * @param refusal     why IoT Core refuses it, or null when that depends on what the encryption hides
     */
    public record Description(String source, Kind kind, String type, Container container, Encoding encoding,
                              boolean encrypted, String protection, String fingerprint, String jwtAlg,
                              String refusal) {
    }

    private static final String ONLY = "IoT Core accepts only RSA (RS256) and EC P-256 (ES256) keys";

    private KeyDescriber() {
    }

    /** Descriptions of the file's keys, or null when it holds something else (the reader's error then stands). */
    public static List<Description> describe(byte[] bytes, String source) {
        try {
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<Description> out = new ArrayList<>();
            if (Pem.looksLikePem(text)) {
                for (Pem.Block b : Pem.parse(text, source)) {
                    Description d = b.legacyEncrypted() ? legacy(b, source) : of(b.der(), source, Encoding.PEM);
                    if (d == null) {
                        return null;
                    }
                    out.add(d);
                }
                return out.isEmpty() ? null : out;
            }
            if (bytes.length > 0 && (bytes[0] & 0xff) == Der.SEQUENCE) {
                Description d = of(bytes, source, Encoding.DER);
                return d == null ? null : List.of(d);
            }
            return null;
        } catch (Exception e) {
            // anything this cannot make sense of: the reader's own error says what is wrong
            return null;
        }
    }

    private static Description legacy(Pem.Block b, String source) {
        String dek = b.headers().getOrDefault("DEK-Info", "");
        String cipher = dek.contains(",") ? dek.substring(0, dek.indexOf(',')).strip() : "";
        if (!cipher.matches("[A-Za-z0-9-]{1,19}")) {
            return null;
        }
        Container container = switch (b.label()) {
            case "RSA PRIVATE KEY" -> Container.PKCS1;
            case "EC PRIVATE KEY" -> Container.SEC1;
            default -> null;
        };
        if (container == null) {
            return null;
        }
        return new Description(source, Kind.PRIVATE_KEY, container == Container.PKCS1 ? "RSA" : "EC", container,
                Encoding.PEM, true, "legacy OpenSSL PEM encryption: " + cipher + ", key derived from the password"
                + " with one MD5 round (EVP_BytesToKey), weak by today's measure", null, null, null);
    }

    private static Description of(byte[] der, String source, Encoding encoding) throws DerException {
        Node top = Der.parse(der);
        List<Node> c = top.children();
        int n = c.size();
        if (n == 2 && c.get(0).tag() == Der.SEQUENCE && c.get(1).tag() == Der.OCTET_STRING) {
            return new Description(source, Kind.PRIVATE_KEY, "encrypted", Container.PKCS8, encoding,
                    true, pkcs8Protection(der), null, null, null);
        }
        if (n == 2 && c.get(0).tag() == Der.SEQUENCE && c.get(1).tag() == Der.BIT_STRING) {
            List<Node> alg = c.get(0).children();
            Named t = named(alg.get(0).oid(), alg);
            return t == null ? null : new Description(source, Kind.PUBLIC_KEY, t.type(), Container.SPKI, encoding,
                    false, null, Fingerprints.sha256(der), t.jwtAlg(), t.refusal());
        }
        if (n >= 3 && c.get(0).tag() == Der.INTEGER && c.get(1).tag() == Der.SEQUENCE
                && c.get(2).tag() == Der.OCTET_STRING) {
            List<Node> alg = c.get(1).children();
            Named t = named(alg.get(0).oid(), alg);
            return t == null ? null : new Description(source, Kind.PRIVATE_KEY, t.type(), Container.PKCS8, encoding,
                    false, null, publicFingerprint(der), t.jwtAlg(), t.refusal());
        }
        if (n >= 2 && c.get(0).tag() == Der.INTEGER && BigInteger.ONE.equals(c.get(0).integer())
                && c.get(1).tag() == Der.OCTET_STRING) {
            String curve = null;
            for (Node child : c.subList(2, n)) {
                if (child.tag() == 0xa0) {
                    Node params = Der.parse(child.value());
                    curve = params.tag() == Der.OID ? params.oid() : null;
                }
            }
            if (curve == null) {
                return null;
            }
            Named t = named(KeyReader.EC_OID, List.of(Der.parse(Der.oid(KeyReader.EC_OID)), Der.parse(Der.oid(curve))));
            byte[] pkcs8 = Der.sequence(Der.integer(BigInteger.ZERO),
                    Der.sequence(Der.oid(KeyReader.EC_OID), Der.oid(curve)), Der.tlv(Der.OCTET_STRING, der));
            return t == null ? null : new Description(source, Kind.PRIVATE_KEY, t.type(), Container.SEC1, encoding,
                    false, null, publicFingerprint(pkcs8), t.jwtAlg(), t.refusal());
        }
        return null;
    }

    private record Named(String type, String jwtAlg, String refusal) {
    }

    /** A type the reader refuses but can name; null for the ones it reads (their errors are about damage). */
    private static Named named(String oid, List<Node> alg) throws DerException {
        switch (oid) {
            case "1.3.101.112":
                return new Named("Ed25519", "EdDSA", ONLY + " (EdDSA was never among them)");
            case "1.3.101.113":
                return new Named("Ed448", "EdDSA", ONLY + " (EdDSA was never among them)");
            case "1.3.101.110":
                return new Named("X25519", null, "an X25519 key agrees on keys and cannot sign at all; " + ONLY);
            case "1.3.101.111":
                return new Named("X448", null, "an X448 key agrees on keys and cannot sign at all; " + ONLY);
            case KeyReader.EC_OID: {
                if (alg.size() < 2 || alg.get(1).tag() != Der.OID) {
                    return null;
                }
                Curves.Curve curve = Curves.byOid(alg.get(1).oid());
                if (curve.jdk() || curve.bits() == 0) {
                    return null;
                }
                String jwt = "secp256k1".equals(curve.sec()) ? "ES256K" : null;
                return new Named("EC " + curve.display(), jwt, "ES256 needs P-256 (prime256v1)"
                        + ("secp256k1".equals(curve.sec()) ? "; secp256k1 (Bitcoin's curve) is another 256-bit curve"
                        : ""));
            }
            default:
                return null;
        }
    }

    /** The SHA-256 of the public key of a PKCS#8 private key, computed with Bouncy Castle; null when it cannot be. */
    private static String publicFingerprint(byte[] pkcs8) {
        try {
            AsymmetricKeyParameter k = PrivateKeyFactory.createKey(PrivateKeyInfo.getInstance(pkcs8));
            AsymmetricKeyParameter pub;
            if (k instanceof ECPrivateKeyParameters ec) {
                pub = new ECPublicKeyParameters(ec.getParameters().getG().multiply(ec.getD()).normalize(),
                        ec.getParameters());
            } else if (k instanceof Ed25519PrivateKeyParameters ed) {
                pub = ed.generatePublicKey();
            } else if (k instanceof Ed448PrivateKeyParameters ed) {
                pub = ed.generatePublicKey();
            } else if (k instanceof X25519PrivateKeyParameters x) {
                pub = x.generatePublicKey();
            } else if (k instanceof X448PrivateKeyParameters x) {
                pub = x.generatePublicKey();
            } else {
                return null;
            }
            return Fingerprints.sha256(SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded());
        } catch (Exception | StackOverflowError e) {
            return null;
        }
    }

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("2.16.840.1.101.3.4.1.2", "AES-128-CBC"), Map.entry("2.16.840.1.101.3.4.1.22", "AES-192-CBC"),
            Map.entry("2.16.840.1.101.3.4.1.42", "AES-256-CBC"), Map.entry("1.2.840.113549.3.7", "DES-EDE3-CBC"),
            Map.entry("1.3.14.3.2.7", "DES-CBC"), Map.entry("1.2.840.113549.2.7", "HMAC-SHA1"),
            Map.entry("1.2.840.113549.2.9", "HMAC-SHA256"), Map.entry("1.2.840.113549.2.10", "HMAC-SHA384"),
            Map.entry("1.2.840.113549.2.11", "HMAC-SHA512"),
            Map.entry("1.2.840.113549.1.12.1.3", "PKCS#12 PBE, SHA-1 and 3-key DES-EDE3-CBC"),
            Map.entry("1.2.840.113549.1.12.1.6", "PKCS#12 PBE, SHA-1 and RC2-40-CBC"),
            Map.entry("1.2.840.113549.1.5.3", "PKCS#5 v1.5 PBE, MD5 and DES-CBC"),
            Map.entry("1.2.840.113549.1.5.10", "PKCS#5 v1.5 PBE, SHA-1 and DES-CBC"));

    private static String name(ASN1ObjectIdentifier oid) {
        return NAMES.getOrDefault(oid.getId(), oid.getId());
    }

    /** "PBES2: PBKDF2 (HMAC-SHA256, 2048 iterations), AES-256-CBC", as far as the parameters say. */
    private static String pkcs8Protection(byte[] der) {
        try {
            AlgorithmIdentifier alg = EncryptedPrivateKeyInfo.getInstance(der).getEncryptionAlgorithm();
            if (!PKCSObjectIdentifiers.id_PBES2.equals(alg.getAlgorithm())) {
                return name(alg.getAlgorithm());
            }
            PBES2Parameters p = PBES2Parameters.getInstance(alg.getParameters());
            String kdf;
            if (PKCSObjectIdentifiers.id_PBKDF2.equals(p.getKeyDerivationFunc().getAlgorithm())) {
                PBKDF2Params k = PBKDF2Params.getInstance(p.getKeyDerivationFunc().getParameters());
                kdf = "PBKDF2 (" + name(k.getPrf().getAlgorithm()) + ", " + k.getIterationCount() + " iterations)";
            } else if (org.bouncycastle.asn1.misc.MiscObjectIdentifiers.id_scrypt.equals(
                    p.getKeyDerivationFunc().getAlgorithm())) {
                kdf = "scrypt";
            } else {
                kdf = p.getKeyDerivationFunc().getAlgorithm().getId();
            }
            return "PBES2: " + kdf + ", " + name(p.getEncryptionScheme().getAlgorithm());
        } catch (RuntimeException e) {
            return "PKCS#8 encryption with parameters this tool cannot read";
        }
    }
}
