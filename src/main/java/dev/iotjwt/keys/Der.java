package dev.iotjwt.keys;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** A small, strict DER reader and writer: just enough to recognise key containers without loading a crypto library. */
public final class Der {
    public static final int INTEGER = 0x02;
    public static final int BIT_STRING = 0x03;
    public static final int OCTET_STRING = 0x04;
    public static final int NULL = 0x05;
    public static final int OID = 0x06;
    public static final int SEQUENCE = 0x30;
    public static final int SET = 0x31;

    private Der() {
    }

    /** Thrown when bytes are not well-formed DER; the message says where. */
    public static final class DerException extends Exception {
        public DerException(String message) {
            super(message);
        }
    }

    /** One tag-length-value element inside a byte array. */
    public record Node(byte[] data, int start, int tag, int valueStart, int length) {
        public int end() {
            return valueStart + length;
        }

        public byte[] value() {
            byte[] v = new byte[length];
            System.arraycopy(data, valueStart, v, 0, length);
            return v;
        }

        public byte[] encoded() {
            byte[] v = new byte[end() - start];
            System.arraycopy(data, start, v, 0, v.length);
            return v;
        }

        public boolean constructed() {
            return (tag & 0x20) != 0;
        }

        public List<Node> children() throws DerException {
            if (!constructed()) {
                throw new DerException("element with tag 0x" + Integer.toHexString(tag) + " has no children");
            }
            List<Node> out = new ArrayList<>();
            int pos = valueStart;
            while (pos < end()) {
                Node child = read(data, pos, end());
                out.add(child);
                pos = child.end();
            }
            return out;
        }

        public BigInteger integer() throws DerException {
            expect(INTEGER);
            if (length == 0) {
                throw new DerException("empty INTEGER");
            }
            return new BigInteger(value());
        }

        public String oid() throws DerException {
            expect(OID);
            return decodeOid(value());
        }

        public void expect(int wanted) throws DerException {
            if (tag != wanted) {
                throw new DerException("expected tag 0x" + Integer.toHexString(wanted) + " but found 0x"
                        + Integer.toHexString(tag) + " at byte " + start);
            }
        }
    }

    /** Parses exactly one element spanning the whole array. */
    public static Node parse(byte[] data) throws DerException {
        Node node = read(data, 0, data.length);
        if (node.end() != data.length) {
            int extra = data.length - node.end();
            throw new DerException(extra + (extra == 1 ? " unexpected byte" : " unexpected bytes")
                    + " after the DER structure");
        }
        return node;
    }

    /** Parses the first element, allowing trailing bytes after it. */
    public static Node parseFirst(byte[] data) throws DerException {
        return read(data, 0, data.length);
    }

    static Node read(byte[] data, int pos, int limit) throws DerException {
        if (pos >= limit) {
            throw new DerException("truncated at byte " + pos);
        }
        int start = pos;
        int tag = data[pos++] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new DerException("multi-byte tags are not used in keys (byte " + start + ")");
        }
        if (pos >= limit) {
            throw new DerException("truncated at byte " + pos + ": no length");
        }
        int first = data[pos++] & 0xff;
        long length;
        if (first < 0x80) {
            length = first;
        } else if (first == 0x80) {
            throw new DerException("indefinite length at byte " + (pos - 1) + " is BER, not DER");
        } else {
            int n = first & 0x7f;
            if (n > 4) {
                throw new DerException("length of " + n + " bytes at byte " + (pos - 1) + " is too large");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                if (pos >= limit) {
                    throw new DerException("truncated at byte " + pos + " inside a length");
                }
                length = (length << 8) | (data[pos++] & 0xff);
            }
        }
        if (pos + length > limit) {
            throw new DerException("truncated: element at byte " + start + " declares " + length + " bytes but only "
                    + (limit - pos) + " remain");
        }
        return new Node(data, start, tag, pos, (int) length);
    }

    static String decodeOid(byte[] v) throws DerException {
        if (v.length == 0) {
            throw new DerException("empty OBJECT IDENTIFIER");
        }
        StringBuilder sb = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = 0; i < v.length; i++) {
            int b = v[i] & 0xff;
            value = (value << 7) | (b & 0x7f);
            if (value > Long.MAX_VALUE >> 8) {
                throw new DerException("OBJECT IDENTIFIER component too large");
            }
            if ((b & 0x80) == 0) {
                if (first) {
                    int a = value < 40 ? 0 : value < 80 ? 1 : 2;
                    sb.append(a).append('.').append(value - 40L * a);
                    first = false;
                } else {
                    sb.append('.').append(value);
                }
                value = 0;
            } else if (i == v.length - 1) {
                throw new DerException("truncated OBJECT IDENTIFIER");
            }
        }
        return sb.toString();
    }

    // ---- writing ----

    public static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    public static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return tlv(SEQUENCE, out.toByteArray());
    }

    public static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    public static byte[] oid(String dotted) {
        String[] parts = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(parts[0]) * 40 + Long.parseLong(parts[1]));
        for (int i = 2; i < parts.length; i++) {
            writeBase128(out, Long.parseLong(parts[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = 1;
        for (long v = value >>> 7; v != 0; v >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((value >>> (7 * g)) & 0x7f);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    public static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }
}
