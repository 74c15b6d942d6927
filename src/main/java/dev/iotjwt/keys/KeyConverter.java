package dev.iotjwt.keys;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.Der.DerException;
import dev.iotjwt.keys.KeyMaterial.Container;
import dev.iotjwt.keys.KeyMaterial.Kind;

import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPublicKey;

/**
 * Re-encodes key material into the container a device or a registry wants: PKCS#8, PKCS#1, SEC1,
 * SubjectPublicKeyInfo, or the raw 32-byte EC scalar some firmware embeds.
 */
public final class KeyConverter {
    /** The containers a key can be written in. */
    public enum Target {
        PKCS8("PKCS#8"), PKCS1("PKCS#1"), SEC1("SEC1"), SPKI("SubjectPublicKeyInfo"), RAW("raw EC private scalar");

        private final String text;

        Target(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /**
     * Converted key bytes.
     *
     * @param target   the container
     * @param pemLabel the PEM label for it, or null when there is no PEM form (raw)
     * @param der      the bytes
     * @param secret   whether the bytes hold a private key
     * @param what     what the bytes are, e.g. "EC P-256 private key (SEC1)"
     */
    public record Output(Target target, String pemLabel, byte[] der, boolean secret, String what) {
    }

    /** The container the material was read from (a certificate's public key becomes SubjectPublicKeyInfo). */
    public static Target asRead(KeyMaterial m) {
        return switch (m.container()) {
            case PKCS8 -> Target.PKCS8;
            case PKCS1, PKCS1_PUBLIC -> Target.PKCS1;
            case SEC1 -> Target.SEC1;
            case RAW_EC_SCALAR -> Target.RAW;
            case SPKI, X509 -> Target.SPKI;
        };
    }

    /**
     * Converts; {@code password} (may be null) encrypts PKCS#8 output and is wiped afterwards.
     *
     * @throws InputException when the material cannot be written in that container (an EC key as PKCS#1, say)
     */
    public Output convert(KeyMaterial m, Target target, char[] password) throws InputException {
        boolean privateKey = m.kind() == Kind.PRIVATE_KEY;
        String name = m.type().describe();
        if (password != null && (target != Target.PKCS8 || !privateKey)) {
            throw new InputException("only a PKCS#8 private key can be written encrypted");
        }
        try {
            switch (target) {
                case SPKI -> {
                    return new Output(target, "PUBLIC KEY", m.publicHalf().getEncoded(), false,
                            name + " public key (SubjectPublicKeyInfo)");
                }
                case PKCS8 -> {
                    requirePrivate(m, target);
                    byte[] der = m.privateKey().getEncoded();
                    if (m.type().isEc()) {
                        der = pkcs8WithPublicPoint(m);
                    }
                    if (password != null) {
                        return new Output(target, "ENCRYPTED PRIVATE KEY", EncryptedKeys.encryptPkcs8(der, password),
                                true, name + " private key (encrypted PKCS#8)");
                    }
                    return new Output(target, "PRIVATE KEY", der, true, name + " private key (PKCS#8)");
                }
                case PKCS1 -> {
                    if (!m.type().isRsa()) {
                        throw new InputException(m.source() + ": PKCS#1 holds RSA keys only; this is "
                                + article(m) + ": use --to sec1 or pkcs8 for a private EC key, spki for a public one");
                    }
                    if (!privateKey) {
                        RSAPublicKey rsa = (RSAPublicKey) m.publicHalf();
                        return new Output(target, "RSA PUBLIC KEY", Der.sequence(Der.integer(rsa.getModulus()),
                                Der.integer(rsa.getPublicExponent())), false, name + " public key (PKCS#1)");
                    }
                    return new Output(target, "RSA PRIVATE KEY", innerPrivateKey(m.privateKey().getEncoded()), true,
                            name + " private key (PKCS#1)");
                }
                case SEC1 -> {
                    requireEc(m, target);
                    requirePrivate(m, target);
                    return new Output(target, "EC PRIVATE KEY", sec1(m), true, name + " private key (SEC1)");
                }
                case RAW -> {
                    requireEc(m, target);
                    requirePrivate(m, target);
                    return new Output(target, null, scalar((ECPrivateKey) m.privateKey()), true,
                            name + " private key (raw 32-byte scalar)");
                }
                default -> throw new IllegalStateException(target.name());
            }
        } catch (DerException e) {
            throw new InputException(null, m.source() + ": cannot re-encode the key: " + e.getMessage(), null, e);
        }
    }

    private static String article(KeyMaterial m) {
        return dev.iotjwt.Messages.article(m.type().describe() + " " + m.kind().text());
    }

    private static void requirePrivate(KeyMaterial m, Target target) throws InputException {
        if (m.kind() != Kind.PRIVATE_KEY) {
            throw new InputException(m.source() + ": is " + article(m) + "; " + target.text() + " output needs the"
                    + " private key", "give the private key file, or --to spki for the public key");
        }
    }

    private static void requireEc(KeyMaterial m, Target target) throws InputException {
        if (!m.type().isEc()) {
            throw new InputException(m.source() + ": " + target.text() + " holds EC keys only; this is "
                    + article(m) + ": use --to pkcs1 or pkcs8");
        }
    }

    /** The privateKey OCTET STRING of a PKCS#8 PrivateKeyInfo: PKCS#1 for RSA, SEC1 for EC. */
    private static byte[] innerPrivateKey(byte[] pkcs8) throws DerException {
        return Der.parse(pkcs8).children().get(2).value();
    }

    /** SEC1 ECPrivateKey with the named curve and the public point, as openssl writes it. */
    private static byte[] sec1(KeyMaterial m) throws DerException {
        ECPrivateKey ec = (ECPrivateKey) m.privateKey();
        byte[] point = EcPublicKeys.uncompressed(m.publicHalf());
        byte[] bits = new byte[point.length + 1];
        System.arraycopy(point, 0, bits, 1, point.length);
        return Der.sequence(Der.integer(BigInteger.ONE), Der.tlv(Der.OCTET_STRING, scalar(ec)),
                Der.tlv(0xa0, Der.oid(m.type().curve().oid())), Der.tlv(0xa1, Der.tlv(Der.BIT_STRING, bits)));
    }

    /** PKCS#8 around a SEC1 key that carries its public point (the JDK's own encoding leaves it out). */
    private static byte[] pkcs8WithPublicPoint(KeyMaterial m) throws DerException {
        byte[] inner = sec1(m);
        byte[] withoutParams = Der.sequence(Der.parse(inner).children().stream()
                .filter(n -> n.tag() != 0xa0).map(Der.Node::encoded).toArray(byte[][]::new));
        return Der.sequence(Der.integer(BigInteger.ZERO), Der.sequence(Der.oid(KeyReader.EC_OID),
                Der.oid(m.type().curve().oid())), Der.tlv(Der.OCTET_STRING, withoutParams));
    }

    private static byte[] scalar(ECPrivateKey ec) {
        return Bytes.fixed(ec.getS(), (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8);
    }
}
