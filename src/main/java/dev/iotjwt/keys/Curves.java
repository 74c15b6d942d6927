package dev.iotjwt.keys;

import java.util.Map;

/** Named elliptic curves by OID, with the names people meet them under (NIST, SEC, OpenSSL). */
public final class Curves {
    public static final String P256_OID = "1.2.840.10045.3.1.7";

    /** A named curve. {@code jdk} says whether the JDK's own provider can build keys on it. */
    public record Curve(String oid, String nist, String sec, int bits, boolean jdk) {
        public String display() {
            if (nist != null && !nist.equals(sec)) {
                return nist + " (" + sec + ")";
            }
            return sec;
        }
    }

    private static final Map<String, Curve> BY_OID = Map.ofEntries(
            Map.entry(P256_OID, new Curve(P256_OID, "P-256", "prime256v1", 256, true)),
            Map.entry("1.3.132.0.34", new Curve("1.3.132.0.34", "P-384", "secp384r1", 384, true)),
            Map.entry("1.3.132.0.35", new Curve("1.3.132.0.35", "P-521", "secp521r1", 521, true)),
            Map.entry("1.2.840.10045.3.1.1", new Curve("1.2.840.10045.3.1.1", "P-192", "prime192v1", 192, false)),
            Map.entry("1.3.132.0.33", new Curve("1.3.132.0.33", "P-224", "secp224r1", 224, false)),
            Map.entry("1.3.132.0.10", new Curve("1.3.132.0.10", null, "secp256k1", 256, false)),
            Map.entry("1.3.36.3.3.2.8.1.1.7", new Curve("1.3.36.3.3.2.8.1.1.7", null, "brainpoolP256r1", 256, false)),
            Map.entry("1.3.36.3.3.2.8.1.1.11", new Curve("1.3.36.3.3.2.8.1.1.11", null, "brainpoolP384r1", 384, false)),
            Map.entry("1.3.36.3.3.2.8.1.1.13", new Curve("1.3.36.3.3.2.8.1.1.13", null, "brainpoolP512r1", 512, false)));

    private Curves() {
    }

    /** The curve for an OID; unknown OIDs get a curve named by the OID itself. */
    public static Curve byOid(String oid) {
        Curve c = BY_OID.get(oid);
        return c != null ? c : new Curve(oid, null, "curve " + oid, 0, false);
    }
}
