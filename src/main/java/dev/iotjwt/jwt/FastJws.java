package dev.iotjwt.jwt;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;

/**
 * The batch minter's signer: the same bytes as {@link JwtMinter} (header {@code {"alg","typ":"JWT"}}, claims
 * {@code {"iat","exp","aud"}} in that order, base64url without padding, ES256 as R‖S) built without jjwt's per-token
 * builder, reflection and JSON machinery, which cost more than an ES256 signature itself. One {@link Signature} per
 * thread and algorithm. Tests hold it byte for byte to jjwt's RS256 output.
 */
final class FastJws {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Map<JwtAlg, String> HEADERS = new EnumMap<>(Map.of(
            JwtAlg.RS256, B64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)),
            JwtAlg.ES256, B64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))));

    private final Provider provider;
    private final ThreadLocal<Map<JwtAlg, Signature>> signatures = ThreadLocal.withInitial(
            () -> new EnumMap<>(JwtAlg.class));

    FastJws(Provider provider) {
        this.provider = provider;
    }

    String compact(JwtAlg alg, PrivateKey key, String audience, long iat, long exp) throws GeneralSecurityException {
        String claims = "{\"iat\":" + iat + ",\"exp\":" + exp + ",\"aud\":" + jsonString(audience) + "}";
        String input = HEADERS.get(alg) + "." + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = signatures.get().get(alg);
        if (s == null) {
            String name = alg == JwtAlg.RS256 ? "SHA256withRSA" : "SHA256withECDSA";
            s = provider == null ? Signature.getInstance(name) : Signature.getInstance(name, provider);
            signatures.get().put(alg, s);
        }
        s.initSign(key);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        byte[] signature = s.sign();
        if (alg == JwtAlg.ES256) {
            signature = Signatures.derToRaw(signature);
            if (signature == null) {
                throw new GeneralSecurityException("the provider returned an ECDSA signature that is not DER");
            }
        }
        return input + "." + B64.encodeToString(signature);
    }

    /** A JSON string literal, escaped as Gson escapes it (quote, backslash, control characters). */
    static String jsonString(String value) {
        StringBuilder b = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
