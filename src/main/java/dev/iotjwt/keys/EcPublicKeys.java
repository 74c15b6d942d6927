package dev.iotjwt.keys;

import dev.iotjwt.keys.Der.Node;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.List;

/** The public point of an EC private key: read from the SEC1 structure when present, else computed. */
final class EcPublicKeys {
    private EcPublicKeys() {
    }

    /** The public key stored inside the SEC1 ECPrivateKey (the PKCS#8 privateKey octets), or null. */
    static PublicKey embedded(byte[] sec1, PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            return null;
        }
        try {
            List<Node> c = Der.parse(sec1).children();
            for (Node child : c) {
                if (child.tag() == 0xa1) {
                    Node bits = Der.parse(child.value());
                    byte[] v = bits.value();
                    return fromUncompressed(Arrays.copyOfRange(v, 1, v.length), ec.getParams());
                }
            }
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    /** Computes Q = d·G with Bouncy Castle's curve arithmetic (the JDK has no public API for it). */
    static PublicKey derive(PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec)) {
            return null;
        }
        try {
            ECParameterSpec params = ec.getParams();
            org.bouncycastle.math.ec.ECCurve curve = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
                    .convertCurve(params.getCurve());
            org.bouncycastle.math.ec.ECPoint g = org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util
                    .convertPoint(curve, params.getGenerator());
            org.bouncycastle.math.ec.ECPoint q = new org.bouncycastle.math.ec.FixedPointCombMultiplier()
                    .multiply(g, ec.getS()).normalize();
            ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, params));
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Whether a stored public point belongs to the private key: it lies on the curve and its x is that of d·G, which
     * ECDH of d with the generator gives, in the JDK alone (Bouncy Castle's curve arithmetic would cost its class
     * loading on every key read). The y of a point with the right x is ±y; a corruption that turns y into p−y
     * exactly is not caught.
     */
    static boolean belongsTo(PublicKey pub, PrivateKey key) {
        if (!(pub instanceof java.security.interfaces.ECPublicKey q) || !(key instanceof ECPrivateKey d)) {
            return true;
        }
        if (!onCurve(q)) {
            return false;
        }
        try {
            ECParameterSpec params = d.getParams();
            PublicKey g = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(params.getGenerator(),
                    params));
            javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("ECDH");
            ka.init(d);
            ka.doPhase(g, true);
            byte[] x = ka.generateSecret();
            return new BigInteger(1, x).equals(q.getW().getAffineX());
        } catch (Exception e) {
            return true; // cannot tell: not a reason to refuse a key
        }
    }

    /** Whether the key's point satisfies its curve's equation y² = x³ + ax + b (mod p); the JDK does not check. */
    static boolean onCurve(java.security.interfaces.ECPublicKey key) {
        java.security.spec.EllipticCurve curve = key.getParams().getCurve();
        if (!(curve.getField() instanceof java.security.spec.ECFieldFp fp)) {
            return true;
        }
        BigInteger p = fp.getP();
        BigInteger x = key.getW().getAffineX();
        BigInteger y = key.getW().getAffineY();
        if (x == null || y == null || x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    /** The uncompressed point 04 || X || Y, each coordinate as long as the field (32 bytes for P-256). */
    static byte[] uncompressed(PublicKey key) {
        java.security.interfaces.ECPublicKey ec = (java.security.interfaces.ECPublicKey) key;
        int n = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        byte[] out = new byte[1 + 2 * n];
        out[0] = 0x04;
        Bytes.putFixed(ec.getW().getAffineX(), out, 1, n);
        Bytes.putFixed(ec.getW().getAffineY(), out, 1 + n, n);
        return out;
    }

    private static PublicKey fromUncompressed(byte[] point, ECParameterSpec params) throws Exception {
        if (point.length == 0 || point[0] != 0x04) {
            return null;
        }
        int n = (point.length - 1) / 2;
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + n));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + n, point.length));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), params));
    }
}
