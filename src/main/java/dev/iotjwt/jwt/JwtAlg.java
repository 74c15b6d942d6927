package dev.iotjwt.jwt;

import dev.iotjwt.InputException;
import dev.iotjwt.keys.KeyType;

/** The two signature algorithms IoT Core accepted. */
public enum JwtAlg {
    RS256, ES256;

    /** The algorithm a key serves: RSA → RS256, EC P-256 → ES256. */
    public static JwtAlg forKey(KeyType type, String source) throws InputException {
        if (type.isRsa()) {
            return RS256;
        }
        if (type.isEc()) {
            return ES256;
        }
        throw new InputException("key.unsupported", source + ": " + type.describe()
                + " keys cannot sign IoT Core tokens; use RSA (RS256) or EC P-256 (ES256)", null);
    }

    /** Refuses a key this algorithm cannot use under IoT Core's rules, naming the key's size or curve. */
    public void requireUsable(KeyType type, String source) throws InputException {
        switch (this) {
            case RS256 -> {
                if (!type.isRsa()) {
                    throw new InputException("jwt.key.alg-mismatch", source + ": RS256 needs an RSA key, but this is"
                            + " an " + type.describe() + " key", "use --alg ES256 with this key, or give an RSA key");
                }
                if (type.bits() < 2048) {
                    throw new InputException("key.weak", source + ": is an RSA " + type.bits() + " key; RS256 needs"
                            + " at least 2048 bits", "make a new key: openssl genpkey -algorithm RSA -pkeyopt"
                            + " rsa_keygen_bits:2048 -out rsa_private.pem, and register its public key");
                }
            }
            case ES256 -> {
                if (!type.isEc()) {
                    throw new InputException("jwt.key.alg-mismatch", source + ": ES256 needs an EC P-256 key, but this"
                            + " is an " + type.describe() + " key", "use --alg RS256 with this key, or give an EC"
                            + " P-256 key");
                }
                if (!type.isP256()) {
                    throw new InputException("key.unsupported", source + ": is an EC key on "
                            + type.curve().display() + "; ES256 needs P-256 (prime256v1)",
                            "make a P-256 key: openssl ecparam -genkey -name prime256v1 -noout -out ec_private.pem");
                }
            }
            default -> throw new IllegalStateException(name());
        }
    }
}
