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
