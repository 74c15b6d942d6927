package dev.iotjwt.jwt;

import dev.iotjwt.keys.Fingerprints;
import dev.iotjwt.keys.KeyType;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A key a token may have been signed with.
 *
 * @param source     where it came from (a file name)
 * @param type       RSA size or EC curve
 * @param publicKey  the public key
 * @param privateKey the private key when one was given (lets the checker show the correct token), else null
 */
public record VerifyKey(String source, KeyType type, PublicKey publicKey, PrivateKey privateKey) {
    public String fingerprint() {
        return Fingerprints.sha256(publicKey);
    }
}
