package dev.iotjwt.jwt;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/** Mints IoT Core device tokens: {@code {"alg","typ":"JWT"}}, integer iat/exp, aud = project, base64url, no padding. */
public final class JwtMinter {

    public MintedToken mint(MintRequest request) {
        String token = compact(request, null);
        String[] parts = token.split("\\.");
        return new MintedToken(token, decode(parts[0]), decode(parts[1]));
    }

    /** As {@link #mint(MintRequest)}, the token text only, signed with {@code provider} (null: the JDK's choice). */
    public String compact(MintRequest request, java.security.Provider provider) {
        long iat = request.issuedAt().getEpochSecond();
        long exp = iat + request.ttl().getSeconds();
        SecureDigestAlgorithm<PrivateKey, ?> alg = request.alg() == JwtAlg.RS256 ? Jwts.SIG.RS256 : Jwts.SIG.ES256;
        JwtBuilder builder = (provider == null ? Jwts.builder() : Jwts.builder().provider(provider))
                .header().add("alg", request.alg().name()).type("JWT").and()
                .issuedAt(new Date(iat * 1000))
                .expiration(new Date(exp * 1000))
                .audience().single(request.audience());
        for (Map.Entry<String, Object> claim : request.extra().entrySet()) {
            builder.claim(claim.getKey(), claim.getValue());
        }
        return builder.signWith(request.key(), alg).compact();
    }

    /**
     * The same token as the seed's firmware made it: every segment keeps its '=' padding and the signature is over
     * the padded text. IoT Core accepted such tokens; strict bridges refuse them. For showing that refusal (demo).
     */
    public String mintPadded(MintRequest request) throws java.security.GeneralSecurityException {
        String[] canonical = mint(request).token().split("\\.");
        Base64.Encoder padded = Base64.getUrlEncoder();
        String input = padded.encodeToString(Base64.getUrlDecoder().decode(canonical[0])) + "."
                + padded.encodeToString(Base64.getUrlDecoder().decode(canonical[1]));
        byte[] signature = Signatures.sign(request.alg(), request.key(), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + padded.encodeToString(signature);
    }

    private static JsonObject decode(String segment) {
        String json = new String(Base64.getUrlDecoder().decode(segment), StandardCharsets.UTF_8);
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
