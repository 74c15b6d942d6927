package dev.iotjwt.jwt;

import dev.iotjwt.keys.Der;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

/** JWS signatures over arbitrary bytes (for checking what a device really signed), with the JDK's providers. */
final class Signatures {
    private Signatures() {
    }

    static boolean verify(JwtAlg alg, PublicKey key, byte[] input, byte[] signature) {
        try {
            Signature s = Signature.getInstance(alg == JwtAlg.RS256 ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
            s.initVerify(key);
            s.update(input);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static byte[] sign(JwtAlg alg, PrivateKey key, byte[] input) throws GeneralSecurityException {
        Signature s = Signature.getInstance(alg == JwtAlg.RS256 ? "SHA256withRSA" : "SHA256withECDSAinP1363Format");
        s.initSign(key);
        s.update(input);
        return s.sign();
    }

    /** R‖S (32 bytes each) from an ASN.1 DER ECDSA signature, or null when the bytes are not one. */
    static byte[] derToRaw(byte[] der) {
        if (der.length < 8 || der[0] != 0x30) {
            return null;
        }
        try {
            List<Der.Node> parts = Der.parse(der).children();
            if (parts.size() != 2) {
                return null;
            }
            BigInteger r = parts.get(0).integer();
            BigInteger s = parts.get(1).integer();
            if (r.signum() <= 0 || s.signum() <= 0 || r.bitLength() > 256 || s.bitLength() > 256) {
                return null;
            }
            byte[] out = new byte[64];
            dev.iotjwt.keys.Bytes.putFixed(r, out, 0, 32);
            dev.iotjwt.keys.Bytes.putFixed(s, out, 32, 32);
            return out;
        } catch (Der.DerException e) {
            return null;
        }
    }

}
