package dev.iotjwt.jwt;

import com.google.gson.JsonObject;
import dev.iotjwt.diagnose.Finding;

import java.util.List;

/**
 * Everything {@code iotjwt check} found about a token.
 *
 * @param ok        no finding is an error (under the rules asked for)
 * @param header    the decoded header, or null when it does not decode
 * @param claims    the decoded claims, or null when they do not decode
 * @param times     iat and exp shown as times, when present
 * @param signature what is known about the signature
 * @param findings  every finding, in the order the rules ran
 * @param verdicts  what Google IoT Core (lenient) and strict successors would say
 * @param expected  the correct token for the same header and claims, when a private key was given and the claims
 *                  are ones {@code mint} signs by default; else null
 * @param expectedWithheld why the correct token is not shown although a private key was given; else null
 */
public record CheckReport(boolean ok, JsonObject header, JsonObject claims, TimeFacts times, SignatureFacts signature,
                          List<Finding> findings, List<Verdict> verdicts, Expected expected,
                          String expectedWithheld) {

    /** A time claim: its value, ISO-8601 UTC and relative to now. */
    public record ClaimTime(long epoch, String utc, String relative) {
    }

    /** iat, exp (either may be null) and the lifetime between them. */
    public record TimeFacts(ClaimTime iat, ClaimTime exp, String lifetime) {
    }

    /**
     * @param alg          the header's alg
     * @param bytes        the decoded signature length
     * @param encoding     raw, DER or unknown
     * @param verified     whether it verified over the token's signing input with a key given
     * @param verifiedWith the key file it verified with, or null
     * @param fingerprint  that key's SHA-256 fingerprint, or null
     * @param tried        fingerprints of every key tried
     */
    public record SignatureFacts(String alg, int bytes, String encoding, boolean verified, String verifiedWith,
                                 String fingerprint, List<String> tried) {
    }

    /** One judge's verdict: accepted, or refused for the listed finding codes. */
    public record Verdict(String judge, boolean accepted, List<String> refusedFor) {
    }

    /**
     * @param token           the correct token for the device's header and claims, signed with the private key given
     * @param firstDifference header, claims, signature, or null when the device's token is identical
     * @param detail          where and how they differ
     */
    public record Expected(String token, String firstDifference, String detail) {
    }
}
