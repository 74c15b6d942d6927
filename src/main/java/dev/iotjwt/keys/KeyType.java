package dev.iotjwt.keys;

/**
 * The algorithm of a key and its size or curve.
 *
 * @param algorithm RSA, EC, Ed25519, ...
 * @param bits      modulus or field size in bits (0 when unknown)
 * @param curve     the curve for EC keys, else null
 */
public record KeyType(String algorithm, int bits, Curves.Curve curve) {

    public boolean isRsa() {
        return "RSA".equals(algorithm);
    }

    public boolean isEc() {
        return "EC".equals(algorithm);
    }

    public boolean isP256() {
        return isEc() && curve != null && "P-256".equals(curve.nist());
    }

    public String describe() {
        if (isRsa()) {
            return "RSA " + bits;
        }
        if (isEc()) {
            return "EC " + (curve == null ? "(unknown curve)" : curve.display());
        }
        return algorithm;
    }
}
