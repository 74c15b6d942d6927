package dev.iotjwt.broker;

import dev.iotjwt.jwt.VerifyKey;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The bridge's quick yes for the token every well-made device sends: exactly the header {@code {"alg":"ES256",
 * "typ":"JWT"}} (or RS256), claims of exactly {@code iat}, {@code exp} (whole numbers) and {@code aud} (the project,
 * a plain string), canonical base64url without padding, issued no later than now, not expired, lifetime from one
 * second to 24 h, and a signature that verifies with one of the device's keys of that alg. Anything else, or any
 * doubt, returns null and the full checker ({@code JwtChecker}) judges the token and names every finding: this only
 * ever accepts a token the checker accepts (tested token by token), and it spares each accepted connection the
 * checker's report (about a fifth of the bridge's garbage per connection, measured).
 */
final class FastToken {
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final String ES256 = ENCODE.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.US_ASCII));
    private static final String RS256 = ENCODE.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"
            .getBytes(StandardCharsets.US_ASCII));
    private static final long MAX_LIFETIME = Duration.ofHours(24).getSeconds();

    private FastToken() {
    }

    /** The token's exp when it is plainly good for {@code keys}, or null to leave it to the full checker. */
    static Instant accept(String token, String project, List<VerifyKey> keys, Instant now) {
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || token.length() > 4096) {
            return null;
        }
        String header = token.substring(0, dot1);
        boolean es = header.equals(ES256);
        if (!es && !header.equals(RS256)) {
            return null;
        }
        String claimsText = token.substring(dot1 + 1, dot2);
        String sigText = token.substring(dot2 + 1);
        byte[] claims = canonical(claimsText);
        byte[] sig = canonical(sigText);
        if (claims == null || sig == null || es && sig.length != 64) {
            return null;
        }
        Claims c = Claims.parse(claims);
        if (c == null || !project.equals(c.aud)) {
            return null;
        }
        long t = now.getEpochSecond();
        long lifetime = c.exp - c.iat;
        if (c.iat > t || c.exp <= t || lifetime <= 0 || lifetime > MAX_LIFETIME) {
            return null;
        }
        byte[] input = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        for (VerifyKey k : keys) {
            if (es ? !k.type().isP256() : !k.type().isRsa()) {
                continue;
            }
            if (verify(es, k, input, sig)) {
                return Instant.ofEpochSecond(c.exp);
            }
        }
        return null;
    }

    /** The bytes of a canonical base64url segment (no padding, unused bits zero), or null. */
    private static byte[] canonical(String segment) {
        if (segment.isEmpty()) {
            return null;
        }
        for (int i = 0; i < segment.length(); i++) {
            char ch = segment.charAt(i);
            if (!(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-'
                    || ch == '_')) {
                return null;
            }
        }
        try {
            byte[] b = DECODE.decode(segment);
            return ENCODE.encodeToString(b).equals(segment) ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean verify(boolean es, VerifyKey k, byte[] input, byte[] sig) {
        try {
            Signature s = Signature.getInstance(es ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
            s.initVerify(k.publicKey());
            s.update(input);
            return s.verify(sig);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Exactly {"iat":N,"exp":N,"aud":"…"} in any order, no spaces, no escapes, nothing else. */
    private record Claims(long iat, long exp, String aud) {
        static Claims parse(byte[] b) {
            if (b.length < 2 || b.length > 512 || b[0] != '{' || b[b.length - 1] != '}') {
                return null;
            }
            long iat = -1;
            long exp = -1;
            String aud = null;
            int i = 1;
            int seen = 0;
            while (i < b.length - 1) {
                int key = name(b, i);
                if (key < 0) {
                    return null;
                }
                i += 6; // "iat": "exp": "aud": are six bytes each, colon included
                if (key == 2) {
                    if (aud != null || i >= b.length || b[i] != '"') {
                        return null;
                    }
                    int end = i + 1;
                    while (end < b.length - 1 && b[end] != '"') {
                        int ch = b[end] & 0xff;
                        if (ch < 0x20 || ch == '\\' || ch >= 0x80) {
                            return null;
                        }
                        end++;
                    }
                    if (end >= b.length - 1 || end == i + 1) {
                        return null;
                    }
                    aud = new String(b, i + 1, end - i - 1, StandardCharsets.US_ASCII);
                    i = end + 1;
                } else {
                    int start = i;
                    long v = 0;
                    while (i < b.length - 1 && b[i] >= '0' && b[i] <= '9' && i - start < 12) {
                        v = v * 10 + (b[i] - '0');
                        i++;
                    }
                    if (i == start || b[start] == '0' && i - start > 1) {
                        return null;
                    }
                    if (key == 0) {
                        if (iat >= 0) {
                            return null;
                        }
                        iat = v;
                    } else {
                        if (exp >= 0) {
                            return null;
                        }
                        exp = v;
                    }
                }
                seen++;
                if (i < b.length - 1) {
                    if (b[i] != ',') {
                        return null;
                    }
                    i++;
                }
            }
            return seen == 3 && iat >= 0 && exp >= 0 && aud != null ? new Claims(iat, exp, aud) : null;
        }

        /** 0 for "iat":, 1 for "exp":, 2 for "aud":, -1 otherwise. */
        private static int name(byte[] b, int i) {
            if (i + 6 > b.length) {
                return -1;
            }
            if (Arrays.equals(b, i, i + 6, IAT, 0, 6)) {
                return 0;
            }
            if (Arrays.equals(b, i, i + 6, EXP, 0, 6)) {
                return 1;
            }
            return Arrays.equals(b, i, i + 6, AUD, 0, 6) ? 2 : -1;
        }

        private static final byte[] IAT = "\"iat\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] EXP = "\"exp\":".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] AUD = "\"aud\":".getBytes(StandardCharsets.US_ASCII);
    }
}
