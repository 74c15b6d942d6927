package dev.iotjwt.keys;

import java.math.BigInteger;

/** Fixed-width big-endian numbers, as curve points, scalars and R‖S signatures store them. */
public final class Bytes {
    private Bytes() {
    }

    /**
     * Writes the unsigned value of {@code n} right-aligned into {@code width} bytes of {@code out} at {@code offset}
     * (a BigInteger's sign byte dropped, short values padded with zeros on the left).
     */
    public static void putFixed(BigInteger n, byte[] out, int offset, int width) {
        byte[] value = n.toByteArray();
        int len = Math.min(value.length, width);
        System.arraycopy(value, value.length - len, out, offset + width - len, len);
    }

    public static byte[] fixed(BigInteger n, int width) {
        byte[] out = new byte[width];
        putFixed(n, out, 0, width);
        return out;
    }
}
