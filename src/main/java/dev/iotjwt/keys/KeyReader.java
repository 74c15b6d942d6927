package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.Messages;
import dev.iotjwt.keys.Der.DerException;
import dev.iotjwt.keys.Der.Node;
import dev.iotjwt.keys.KeyMaterial.Container;
import dev.iotjwt.keys.KeyMaterial.Encoding;
import dev.iotjwt.keys.KeyMaterial.Kind;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The one key reader: private keys, public keys and certificates from PEM, DER, base64, C arrays, hex dumps and
 * openssl's text, the format detected from the content. It answers with a {@link KeyRead}: usable material, a key IoT
 * Core never took (unsupported, with the reason), or an encrypted key and no password (locked, with its scheme); a
 * file that is missing, damaged, not a key, or whose password is wrong is an {@link InputException}. Plain keys are
 * read with the JDK alone; only encrypted keys load Bouncy Castle, and describing a refused key ({@link
 * KeyRead.Refused#describe()}).
 */
public final class KeyReader {
    static final String RSA_OID = "1.2.840.113549.1.1.1";
    static final String RSA_PSS_OID = "1.2.840.113549.1.1.10";
    static final String EC_OID = "1.2.840.10045.2.1";
    private static final String PKCS7_SIGNED_OID = "1.2.840.113549.1.7.2";
    private static final String PKCS7_DATA_OID = "1.2.840.113549.1.7.1";

    private static final String PRIVATE_HINT = "give the device's private key (PEM or DER: PKCS#8, PKCS#1 or SEC1)";

    /**
     * Why a key cannot be used although it was read: a type, curve or format IoT Core never took, or (locked) an
     * encrypted key and no password. Never leaves this class: {@link #parse} turns it into a {@link KeyRead}.
     */
    static final class Refusal extends Exception {
        private final String hint;
        private final boolean locked;

        /** An unsupported key; the message names the file and says why. */
        Refusal(String message, String hint) {
            this(message, hint, false);
        }

        /** {@code locked}: the message is the scheme ("encrypted PKCS#8 private key"). */
        Refusal(String message, String hint, boolean locked) {
            super(message, null, false, false);
            this.hint = hint;
            this.locked = locked;
        }
    }

    /** Reads the file and what it holds (see {@link #parse}). */
    public KeyRead read(Path file, PasswordSource passwords) throws InputException {
        byte[] bytes = InputFiles.read(file);
        return parse(bytes, file.toString(), passwords);
    }

    /**
     * Reads every key or certificate in bytes that came from {@code source}, in order. A file of several PEM blocks
     * is usable when one of them is, the unsupported ones left out.
     */
    public KeyRead parse(byte[] bytes, String source, PasswordSource passwords) throws InputException {
        try {
            return new KeyRead.Usable(items(bytes, source, passwords));
        } catch (Refusal r) {
            return r.locked ? new KeyRead.Locked(source, r.getMessage(), r.hint, bytes)
                    : new KeyRead.Unsupported(source, r.getMessage(), r.hint, bytes);
        }
    }

    /** The one private key in the file (a file may also hold certificates or EC parameters), usable or refused. */
    public KeyMaterial privateKey(Path file, PasswordSource passwords) throws InputException {
        List<KeyMaterial> items = read(file, passwords).usable();
        for (KeyMaterial item : items) {
            if (item.kind() == Kind.PRIVATE_KEY) {
                return item;
            }
        }
        KeyMaterial first = items.get(0);
        throw new InputException(file + ": is " + Messages.article(first.describe()) + ", not a private key",
                PRIVATE_HINT);
    }

    /** A public key: from a public key, a certificate, or the public half of a private key. */
    public KeyMaterial publicKey(Path file, PasswordSource passwords) throws InputException {
        return publicOf(read(file, passwords).usable(), file);
    }

    /** The public key among what {@code file} held: a public key, a certificate's, or a private key's public half. */
    public static KeyMaterial publicOf(List<KeyMaterial> items, Path file) throws InputException {
        for (KeyMaterial item : items) {
            if (item.publicKey() != null) {
                return item;
            }
            if (item.privateKey() != null) {
                return new KeyMaterial(item.source(), item.kind(), item.container(), item.encoding(), item.encrypted(),
                        item.type(), item.privateKey(), item.publicHalf(), null);
            }
        }
        throw new InputException(file + ": holds no public key", "give a public key, a certificate or a private key");
    }

    private List<KeyMaterial> items(byte[] bytes, String source, PasswordSource passwords)
            throws InputException, Refusal {
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            byte[] rest = new byte[bytes.length - 3];
            System.arraycopy(bytes, 3, rest, 0, rest.length);
            bytes = rest;
        }
        if (bytes.length == 0 || isBlank(bytes)) {
            throw new InputException(source + ": is empty", "give the key file itself, not an empty placeholder");
        }
        if ((bytes[0] & 0xff) == Der.SEQUENCE && isText(bytes)) {
            // '0' is 0x30, a SEQUENCE tag: an xxd or hexdump listing starts with its offset 00000000
            KeyText.Decoded decoded = KeyText.decode(new String(bytes, StandardCharsets.UTF_8));
            if (decoded != null) {
                return List.of(fromText(decoded, source, passwords));
            }
        }
        if ((bytes[0] & 0xff) == Der.SEQUENCE || (bytes[0] & 0xff) == Der.OID) {
            return List.of(classify(bytes, null, source, Encoding.DER, passwords, null));
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (Pem.looksLikePem(text)) {
            return fromPem(Pem.parse(text, source), source, passwords);
        }
        String compact = text.replaceAll("\\s", "");
        if (compact.matches("[A-Za-z0-9+/]+={0,2}") && compact.length() % 4 == 0 && compact.startsWith("M")) {
            byte[] der = Base64.getDecoder().decode(compact);
            return List.of(classify(der, null, source, Encoding.BASE64, passwords, null));
        }
        if (isText(bytes)) {
            KeyText.Decoded decoded = KeyText.decode(text);
            if (decoded != null) {
                return List.of(fromText(decoded, source, passwords));
            }
        }
        Refusal refusal = otherFormat(text, source);
        if (refusal != null) {
            throw refusal;
        }
        throw notAKey(bytes, text, source);
    }

    /** DER bytes from a C array or hex dump, or a raw EC private scalar as openssl prints it. */
    private KeyMaterial fromText(KeyText.Decoded d, String source, PasswordSource passwords)
            throws InputException, Refusal {
        if (!d.ecScalar()) {
            return classify(d.bytes(), null, source, Encoding.DER, passwords, null).in(d.encoding(), d.note());
        }
        if (d.curve() != null && !List.of("prime256v1", "secp256r1", "P-256").contains(d.curve())) {
            // the name comes from the text as pasted: shown only when it is one (not key hex pasted on that line)
            String curve = d.curve().matches("[A-Za-z][A-Za-z0-9-]{0,15}") ? "curve " + d.curve()
                    : "a curve whose name is not readable";
            throw new Refusal(source + ": is an EC private key on " + curve
                    + "; IoT Core's ES256 needs P-256 (prime256v1)",
                    "make a P-256 key: openssl ecparam -genkey -name prime256v1 -noout -out ec_private.pem");
        }
        try {
            java.security.AlgorithmParameters params = java.security.AlgorithmParameters.getInstance("EC");
            params.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.spec.ECParameterSpec spec = params.getParameterSpec(java.security.spec.ECParameterSpec.class);
            BigInteger s = new BigInteger(1, d.bytes());
            if (s.signum() == 0 || s.compareTo(spec.getOrder()) >= 0) {
                throw new InputException(source + ": the hex is not a P-256 private key: the number is not between 1"
                        + " and the curve order", "copy the 'priv:' bytes of openssl ec -noout -text again");
            }
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(
                    new java.security.spec.ECPrivateKeySpec(s, spec));
            PublicKey pub = EcPublicKeys.derive(key);
            if (d.publicPoint() != null && d.publicPoint().length > 0
                    && !java.util.Arrays.equals(d.publicPoint(), EcPublicKeys.uncompressed(pub))) {
                throw new InputException(source + ": the 'priv:' and 'pub:' bytes do not belong together: the public"
                        + " point of that private key is another", "copy both from the same openssl ec -text output");
            }
            KeyType type = new KeyType("EC", 256, Curves.byOid(Curves.P256_OID));
            return new KeyMaterial(source, Kind.PRIVATE_KEY, Container.RAW_EC_SCALAR, d.encoding(), false, type, key,
                    pub, null, d.note());
        } catch (GeneralSecurityException e) {
            throw new InputException(null, source + ": cannot make a P-256 key of the hex: "
                    + dev.iotjwt.Messages.cause(e), null, e);
        }
    }

    private List<KeyMaterial> fromPem(List<Pem.Block> blocks, String source, PasswordSource passwords)
            throws InputException, Refusal {
        String curveFromParams = null;
        List<KeyMaterial> out = new ArrayList<>();
        Refusal firstUnsupported = null;
        for (Pem.Block block : blocks) {
            String label = block.label();
            if (label.equals("EC PARAMETERS")) {
                curveFromParams = curveOfParameters(block.der(), source);
                continue;
            }
            if (label.equals("OPENSSH PRIVATE KEY")) {
                throw new Refusal(source + ": is an OpenSSH private key, a format made for"
                        + " ssh, not for JWTs", "convert a copy to PKCS#8: ssh-keygen -p -m PKCS8 -f COPY");
            }
            if (label.contains("CERTIFICATE REQUEST")) {
                throw new InputException(source + ": is a certificate signing request (CSR), not a key",
                        PRIVATE_HINT);
            }
            if (label.equals("X509 CRL")) {
                throw new InputException(source + ": is a certificate revocation list, not a key", PRIVATE_HINT);
            }
            if (label.endsWith("PARAMETERS") && !label.equals("EC PARAMETERS")) {
                throw new Refusal(source + ": holds "
                        + label.toLowerCase(java.util.Locale.ROOT).replace("dh ", "Diffie-Hellman ")
                        .replace("dsa ", "DSA ") + ", not a key", PRIVATE_HINT);
            }
            if (label.startsWith("PGP ")) {
                throw new Refusal(source + ": is an OpenPGP key, not an X.509/PKCS key",
                        PRIVATE_HINT);
            }
            try {
                KeyMaterial item;
                if (block.legacyEncrypted()) {
                    char[] password = requirePassword(passwords, source, "legacy OpenSSL-encrypted " + label);
                    byte[] plain = EncryptedKeys.decryptLegacy(block.der(), block.headers().get("DEK-Info"), password,
                            source);
                    try {
                        item = classify(plain, label, source, Encoding.PEM, passwords, curveFromParams);
                    } catch (InputException | Refusal e) {
                        throw new InputException(null, source + ": wrong password for the legacy OpenSSL-encrypted "
                                + label, "check the password file or variable", e);
                    }
                    item = encrypted(item);
                } else {
                    item = classify(block.der(), label, source, Encoding.PEM, passwords, curveFromParams);
                }
                out.add(item);
            } catch (Refusal e) {
                if (e.locked || blocks.size() == 1) {
                    throw e;
                }
                if (firstUnsupported == null) {
                    firstUnsupported = e;
                }
            }
        }
        if (out.isEmpty()) {
            if (firstUnsupported != null) {
                throw firstUnsupported;
            }
            throw new InputException(source + ": holds only EC parameters, no key",
                    "the key block (BEGIN EC PRIVATE KEY) is missing; copy the whole file openssl wrote");
        }
        return out;
    }

    private static KeyMaterial encrypted(KeyMaterial m) {
        return new KeyMaterial(m.source(), m.kind(), m.container(), m.encoding(), true, m.type(), m.privateKey(),
                m.publicKey(), m.certificate());
    }

    private static char[] requirePassword(PasswordSource passwords, String source, String what)
            throws InputException, Refusal {
        char[] password = passwords.password(source);
        if (password == null) {
            throw new Refusal(what, passwords.howToGive(), true);
        }
        return password;
    }

    /** Recognises a DER structure by its shape and turns it into key material. */
    private KeyMaterial classify(byte[] der, String label, String source, Encoding encoding, PasswordSource passwords,
                                 String curveHint) throws InputException, Refusal {
        Node top;
        try {
            top = Der.parse(der);
        } catch (DerException e) {
            String what = label != null ? "the PEM block '" + label + "'" : "the DER data";
            throw new InputException(source + ": " + what + " is not valid DER: " + e.getMessage(),
                    e.getMessage().contains("truncated") ? "the file is truncated; copy or export it again"
                            : "the file is damaged or is not a key");
        }
        try {
            if (top.tag() == Der.OID) {
                throw new InputException(source + ": holds only EC parameters, no key",
                        "the key block (BEGIN EC PRIVATE KEY) is missing; copy the whole file openssl wrote");
            }
            if (top.tag() != Der.SEQUENCE) {
                throw new InputException(source + ": is DER data that is not a key or certificate", PRIVATE_HINT);
            }
            List<Node> c = top.children();
            int n = c.size();
            if (n == 2 && c.get(0).tag() == Der.SEQUENCE && c.get(1).tag() == Der.OCTET_STRING
                    && firstIsOid(c.get(0))) {
                char[] password = requirePassword(passwords, source, "encrypted PKCS#8 private key");
                byte[] plain = EncryptedKeys.decryptPkcs8(der, password, source);
                return encrypted(classify(plain, "PRIVATE KEY", source, encoding, passwords, curveHint));
            }
            if (n == 2 && c.get(0).tag() == Der.SEQUENCE && c.get(1).tag() == Der.BIT_STRING
                    && firstIsOid(c.get(0))) {
                return spki(der, c.get(0), source, encoding, Container.SPKI);
            }
            if (n == 3 && c.get(0).tag() == Der.SEQUENCE && c.get(1).tag() == Der.SEQUENCE
                    && c.get(2).tag() == Der.BIT_STRING) {
                return certificate(der, c.get(0), source, encoding);
            }
            if (n >= 3 && c.get(0).tag() == Der.INTEGER && c.get(1).tag() == Der.SEQUENCE
                    && c.get(2).tag() == Der.OCTET_STRING) {
                return pkcs8(der, c, source, encoding, Container.PKCS8);
            }
            if (n >= 9 && allIntegers(c) && c.get(0).integer().signum() == 0) {
                return pkcs1(der, source, encoding);
            }
            if (n == 2 && allIntegers(c)) {
                byte[] spki = Der.sequence(Der.sequence(Der.oid(RSA_OID), Der.nullValue()),
                        Der.tlv(Der.BIT_STRING, prefixZero(der)));
                Node alg = Der.parse(spki).children().get(0);
                return spki(spki, alg, source, encoding, Container.PKCS1_PUBLIC);
            }
            if (n >= 2 && c.get(0).tag() == Der.INTEGER && c.get(0).integer().equals(BigInteger.ONE)
                    && c.get(1).tag() == Der.OCTET_STRING) {
                return sec1(der, c, source, encoding, curveHint);
            }
            if (n == 6 && allIntegers(c)) {
                throw new Refusal(source + ": is a DSA private key; IoT Core accepts only"
                        + " RSA (RS256) and EC P-256 (ES256) keys", PRIVATE_HINT);
            }
            if (n >= 2 && c.get(0).tag() == Der.INTEGER && c.get(1).tag() == Der.SEQUENCE
                    && firstIsOid(c.get(1)) && PKCS7_DATA_OID.equals(c.get(1).children().get(0).oid())) {
                throw new InputException(source + ": is a PKCS#12 (.p12/.pfx) keystore",
                        "extract the key: openssl pkcs12 -in FILE -nocerts -nodes -out key.pem");
            }
            if (n >= 1 && c.get(0).tag() == Der.OID && PKCS7_SIGNED_OID.equals(c.get(0).oid())) {
                throw new InputException(source + ": is a PKCS#7 certificate bundle (.p7b), not a key",
                        "extract the certificates: openssl pkcs7 -print_certs -in FILE");
            }
            throw new InputException(source + ": is DER data that is not a key or certificate", PRIVATE_HINT);
        } catch (DerException e) {
            throw new InputException(source + ": has a damaged key structure: " + e.getMessage(),
                    "the file is damaged or is not a key");
        }
    }

    private static boolean firstIsOid(Node seq) throws DerException {
        if (!seq.constructed()) {
            return false;
        }
        List<Node> k = seq.children();
        return !k.isEmpty() && k.get(0).tag() == Der.OID;
    }

    private static boolean allIntegers(List<Node> c) {
        return c.stream().allMatch(x -> x.tag() == Der.INTEGER);
    }

    private static byte[] prefixZero(byte[] b) {
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 1, b.length);
        return out;
    }

    private KeyMaterial pkcs8(byte[] der, List<Node> c, String source, Encoding encoding, Container container)
            throws InputException, Refusal, DerException {
        List<Node> alg = c.get(1).children();
        if (alg.isEmpty()) {
            throw new DerException("the PKCS#8 AlgorithmIdentifier is empty");
        }
        String oid = alg.get(0).oid();
        KeyType type = typeOf(oid, alg, source, true);
        PrivateKey key = generatePrivate(type, der, source);
        if (key instanceof RSAPrivateCrtKey crt && !consistent(crt)) {
            throw new InputException(source + ": the " + what(type) + " private key is damaged: its numbers do not"
                    + " belong together (n is not p·q, or an exponent does not fit), so it cannot sign",
                    "export the key again from its source");
        }
        PublicKey pub = key instanceof RSAPrivateCrtKey ? rsaPublicOf((RSAPrivateCrtKey) key)
                : EcPublicKeys.embedded(c.get(2).value(), key);
        if (pub != null && !(key instanceof RSAPrivateCrtKey) && !EcPublicKeys.belongsTo(pub, key)) {
            throw new InputException(source + ": the " + what(type) + " private key is damaged: the public key"
                    + " stored with it belongs to another key", "export the key again from its source");
        }
        if (type.isRsa()) {
            type = new KeyType("RSA", bits(key), null);
        }
        return new KeyMaterial(source, Kind.PRIVATE_KEY, container, encoding, false, type, key, pub, null);
    }

    private KeyMaterial pkcs1(byte[] der, String source, Encoding encoding)
            throws InputException, Refusal, DerException {
        byte[] pkcs8 = Der.sequence(Der.integer(BigInteger.ZERO),
                Der.sequence(Der.oid(RSA_OID), Der.nullValue()), Der.tlv(Der.OCTET_STRING, der));
        KeyMaterial m = pkcs8(pkcs8, Der.parse(pkcs8).children(), source, encoding, Container.PKCS1);
        return m;
    }

    private KeyMaterial sec1(byte[] der, List<Node> c, String source, Encoding encoding, String curveHint)
            throws InputException, Refusal, DerException {
        String curveOid = curveHint;
        for (Node child : c.subList(2, c.size())) {
            if (child.tag() == 0xa0) {
                Node params = Der.parse(child.value());
                if (params.tag() != Der.OID) {
                    throw explicitParameters(source);
                }
                curveOid = params.oid();
            }
        }
        if (curveOid == null) {
            throw new Refusal(source + ": is a SEC1 EC private key that does not name its"
                    + " curve", "save it with its curve: openssl ec -in KEY -param_enc named_curve -out NEW");
        }
        byte[] pkcs8 = Der.sequence(Der.integer(BigInteger.ZERO),
                Der.sequence(Der.oid(EC_OID), Der.oid(curveOid)), Der.tlv(Der.OCTET_STRING, der));
        return pkcs8(pkcs8, Der.parse(pkcs8).children(), source, encoding, Container.SEC1);
    }

    private static Refusal explicitParameters(String source) {
        return new Refusal(source + ": is an EC key with explicit curve parameters"
                + " instead of a named curve", "save it with a named curve: openssl ec -in KEY -param_enc named_curve"
                + " -out NEW");
    }

    private String curveOfParameters(byte[] der, String source) throws InputException, Refusal {
        try {
            Node n = Der.parse(der);
            if (n.tag() != Der.OID) {
                throw explicitParameters(source);
            }
            return n.oid();
        } catch (DerException e) {
            throw new InputException(source + ": the EC PARAMETERS block is damaged: " + e.getMessage());
        }
    }

    private KeyMaterial spki(byte[] der, Node algSeq, String source, Encoding encoding, Container container)
            throws InputException, Refusal, DerException {
        List<Node> alg = algSeq.children();
        KeyType type = typeOf(alg.get(0).oid(), alg, source, false);
        PublicKey key;
        try {
            key = KeyFactory.getInstance(type.algorithm()).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new InputException(source + ": the " + what(type) + " public key is damaged: "
                    + dev.iotjwt.Messages.cause(e), "export the key again from its source");
        }
        if (key instanceof java.security.interfaces.ECPublicKey ec && !EcPublicKeys.onCurve(ec)) {
            throw new InputException(source + ": the " + what(type) + " public key is damaged: its point is not on"
                    + " the curve", "export the key again from its source");
        }
        return new KeyMaterial(source, Kind.PUBLIC_KEY, container, encoding, false, withSize(type, key), null, key,
                null);
    }

    private KeyMaterial certificate(byte[] der, Node tbs, String source, Encoding encoding)
            throws InputException, DerException {
        X509Certificate cert;
        try {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (Exception e) {
            List<Node> t = tbs.children();
            if (!t.isEmpty() && t.get(0).tag() == Der.INTEGER && t.size() == 4) {
                throw new InputException(source + ": is a certificate signing request (CSR), not a key", PRIVATE_HINT);
            }
            throw new InputException(source + ": looks like an X.509 certificate but cannot be read: "
                    + dev.iotjwt.Messages.cause(e), "export the certificate again from its source");
        }
        PublicKey pub = cert.getPublicKey();
        byte[] spki = pub.getEncoded();
        List<Node> alg = Der.parse(spki).children().get(0).children();
        KeyType type;
        try {
            type = typeOf(alg.get(0).oid(), alg, source, false);
        } catch (Refusal e) {
            type = new KeyType(pub.getAlgorithm(), 0, null);
        }
        return new KeyMaterial(source, Kind.CERTIFICATE, Container.X509, encoding, false, withSize(type, pub), null,
                pub, cert);
    }

    /** The key type for an algorithm OID; refuses types IoT Core never accepted. */
    private static KeyType typeOf(String oid, List<Node> alg, String source, boolean privateKey)
            throws InputException, Refusal, DerException {
        String what = privateKey ? "private key" : "public key";
        switch (oid) {
            case RSA_OID:
                return new KeyType("RSA", 0, null);
            case EC_OID: {
                if (alg.size() < 2 || alg.get(1).tag() != Der.OID) {
                    throw explicitParameters(source);
                }
                Curves.Curve curve = Curves.byOid(alg.get(1).oid());
                if (!curve.jdk()) {
                    throw new Refusal(source + ": is an EC " + what + " on curve "
                            + curve.display() + "; IoT Core's ES256 needs P-256 (prime256v1)",
                            "make a P-256 key: openssl ecparam -genkey -name prime256v1 -noout -out ec_private.pem");
                }
                return new KeyType("EC", curve.bits(), curve);
            }
            default:
                throw new Refusal(source + ": is " + Messages.article(algorithmName(oid) + " " + what)
                        + "; IoT Core accepts only RSA (RS256) and EC P-256 (ES256) keys",
                        "make an RSA key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out"
                                + " rsa_private.pem");
        }
    }

    private static String algorithmName(String oid) {
        return switch (oid) {
            case "1.3.101.112" -> "Ed25519";
            case "1.3.101.113" -> "Ed448";
            case "1.3.101.110" -> "X25519";
            case "1.3.101.111" -> "X448";
            case "1.2.840.10040.4.1" -> "DSA";
            case "1.2.840.113549.1.3.1", "1.2.840.10046.2.1" -> "Diffie-Hellman";
            case RSA_PSS_OID -> "RSA-PSS";
            case "1.2.156.10197.1.301" -> "SM2";
            default -> "unknown-algorithm (" + oid + ")";
        };
    }

    private static PrivateKey generatePrivate(KeyType type, byte[] pkcs8, String source) throws InputException {
        try {
            return KeyFactory.getInstance(type.algorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new InputException(source + ": the " + what(type) + " private key is damaged: "
                    + dev.iotjwt.Messages.cause(e), "export the key again from its source");
        }
    }

    /**
     * Whether an RSA CRT key's numbers belong together: n = p·q, e·dP ≡ 1 (mod p−1), e·dQ ≡ 1 (mod q−1),
     * q·qInv ≡ 1 (mod p). A key failing these makes signatures the JDK refuses to release.
     */
    private static boolean consistent(RSAPrivateCrtKey k) {
        BigInteger p = k.getPrimeP();
        BigInteger q = k.getPrimeQ();
        BigInteger e = k.getPublicExponent();
        if (p == null || q == null || e == null || k.getPrimeExponentP() == null || k.getPrimeExponentQ() == null
                || k.getCrtCoefficient() == null) {
            return true;
        }
        if (p.compareTo(BigInteger.ONE) <= 0 || q.compareTo(BigInteger.ONE) <= 0
                || !p.multiply(q).equals(k.getModulus())) {
            return false;
        }
        BigInteger one = BigInteger.ONE;
        return e.multiply(k.getPrimeExponentP()).mod(p.subtract(one)).equals(one.mod(p.subtract(one)))
                && e.multiply(k.getPrimeExponentQ()).mod(q.subtract(one)).equals(one.mod(q.subtract(one)))
                && q.multiply(k.getCrtCoefficient()).mod(p).equals(one.mod(p));
    }

    /** The type for a message; an RSA key whose size is not known yet is just "RSA". */
    private static String what(KeyType type) {
        return type.isRsa() && type.bits() == 0 ? "RSA" : type.describe();
    }

    private static KeyType withSize(KeyType type, PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new KeyType("RSA", rsa.getModulus().bitLength(), null);
        }
        return type;
    }

    private static PublicKey rsaPublicOf(RSAPrivateCrtKey crt) {
        try {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /** RSA private keys report their size only through the modulus. */
    static int bits(PrivateKey key) {
        if (key instanceof java.security.interfaces.RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof java.security.interfaces.ECKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** A format made for something else (PuTTY, an OpenSSH public key line, JSON), or null. */
    private static Refusal otherFormat(String text, String source) {
        String start = text.stripLeading();
        if (start.startsWith("PuTTY-User-Key-File")) {
            return new Refusal(source + ": is a PuTTY key (.ppk), not a PEM or DER key",
                    "export it from PuTTYgen: Conversions > Export OpenSSH key, then ssh-keygen -p -m PKCS8 -f FILE");
        }
        if (start.startsWith("ssh-rsa ") || start.startsWith("ecdsa-sha2-") || start.startsWith("ssh-ed25519 ")) {
            return new Refusal(source + ": is an OpenSSH public key line, not a PEM or DER key",
                    "convert it: ssh-keygen -e -m PKCS8 -f FILE");
        }
        if (start.startsWith("{") && !(text.contains("{") && text.contains("0x"))) {
            return new Refusal(source + ": is JSON (a JSON Web Key?), not a PEM or DER key",
                    "give the key as PEM or DER");
        }
        return null;
    }

    private static InputException notAKey(byte[] bytes, String text, String source) {
        if (text.contains("{") && text.contains("0x")) {
            return new InputException(source + ": looks like a C array but is not one of bytes",
                    "each value 0x00 to 0xff (or 0 to 255), separated by commas, between { and }");
        }
        if (isText(bytes)) {
            return new InputException(source + ": is text without a PEM block (no '-----BEGIN' line)",
                    "give a PEM file (-----BEGIN ... KEY-----) or a DER file");
        }
        return new InputException(source + ": is binary data that is neither PEM nor DER (first byte 0x"
                + String.format("%02x", bytes[0] & 0xff) + ")", "give a PEM file (-----BEGIN ... KEY-----) or a DER"
                + " file");
    }

    private static boolean isText(byte[] bytes) {
        int n = Math.min(bytes.length, 4096);
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            if (b < 0x09 || (b > 0x0d && b < 0x20) || b == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
