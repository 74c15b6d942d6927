package dev.iotjwt.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.function.Function;

/**
 * Builds tokens the way broken firmware does: any header and claims text, padding, the standard alphabet, DER ECDSA
 * signatures, signatures over the wrong bytes. Signs with the JDK directly, independent of the tool's code.
 */
public final class TokenForge {
    private String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    private String claims;
    private PrivateKey key;
    private boolean padded;
    private boolean standardAlphabet;
    private boolean derSignature;
    private Function<String, byte[]> signingInput = s -> s.getBytes(StandardCharsets.US_ASCII);

    public static TokenForge rs256(PrivateKey key) {
        TokenForge f = new TokenForge();
        f.key = key;
        return f;
    }

    public static TokenForge es256(PrivateKey key) {
        TokenForge f = new TokenForge();
        f.key = key;
        f.header = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
        return f;
    }

    public TokenForge header(String json) {
        this.header = json;
        return this;
    }

    public TokenForge claims(String json) {
        this.claims = json;
        return this;
    }

    /** Standard IoT Core claims: iat, exp = iat + lifetime, aud. */
    public TokenForge claims(long iat, long exp, String aud) {
        this.claims = "{\"iat\":" + iat + ",\"exp\":" + exp + ",\"aud\":\"" + aud + "\"}";
        return this;
    }

    /** Keep '=' padding on every segment (the text signed is the padded text, as in the seed thread). */
    public TokenForge padded() {
        this.padded = true;
        return this;
    }

    public TokenForge standardAlphabet() {
        this.standardAlphabet = true;
        return this;
    }

    /** ES256 signature as ASN.1 DER (what SHA256withECDSA, OpenSSL and mbedTLS return) instead of R‖S. */
    public TokenForge derSignature() {
        this.derSignature = true;
        return this;
    }

    /** Sign other bytes than the token's header.claims text: the function gets that text. */
    public TokenForge signOver(Function<String, byte[]> input) {
        this.signingInput = input;
        return this;
    }

    public String headerSegment() {
        return enc(header.getBytes(StandardCharsets.UTF_8));
    }

    public String claimsSegment() {
        return enc(claims.getBytes(StandardCharsets.UTF_8));
    }

    public String build() {
        try {
            String input = headerSegment() + "." + claimsSegment();
            String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA"
                    : derSignature ? "SHA256withECDSA" : "SHA256withECDSAinP1363Format";
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(signingInput.apply(input));
            return input + "." + enc(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String enc(byte[] bytes) {
        Base64.Encoder e = standardAlphabet ? Base64.getEncoder() : Base64.getUrlEncoder();
        return padded ? e.encodeToString(bytes) : e.withoutPadding().encodeToString(bytes);
    }
}
