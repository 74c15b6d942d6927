package dev.iotjwt.jwt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Severity;
import dev.iotjwt.jwt.CheckReport.ClaimTime;
import dev.iotjwt.jwt.CheckReport.Expected;
import dev.iotjwt.jwt.CheckReport.SignatureFacts;
import dev.iotjwt.jwt.CheckReport.TimeFacts;
import dev.iotjwt.jwt.CheckReport.Verdict;
import dev.iotjwt.time.Times;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges a token a device made by IoT Core's rules. Decodes it itself, leniently enough to go on past encoding faults,
 * runs every rule and never stops at the first problem.
 */
public final class JwtChecker {
    /** A time claim written with more characters than this is no time: it is not parsed (a huge one takes minutes). */
    private static final int MAX_NUMBER_TEXT = 64;

    /** IoT Core's longest lifetime, before skew. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(24);
    /** Before this, a device clock was never set (IoT Core did not exist). */
    static final Instant CLOCK_SET_AFTER = Instant.parse("2015-01-01T00:00:00Z");
    /** Codes that Google tolerated but strict successors refuse. */
    static final Set<String> STRICT_ERRORS = Set.of("jwt.base64.padding", "jwt.claim.type",
            "jwt.base64.non-canonical");
    /**
     * How deep arrays and objects may nest in the header or the claims. IoT Core's tokens nest one level; a token
     * nested 20,000 arrays deep overflowed the stack of every JSON walk after the parse.
     */
    public static final int MAX_JSON_DEPTH = 64;

    private static final String[] SEGMENT = {"header", "claims", "signature"};

    public CheckReport check(CheckRequest request) {
        Run run = new Run(request);
        run.execute();
        List<Finding> lenient = run.findings;
        List<Finding> strict = lenient.stream().map(JwtChecker::strictly).toList();
        List<Finding> shown = request.strict() ? strict : lenient;
        List<Verdict> verdicts = List.of(verdict("google", lenient), verdict("strict", strict));
        boolean ok = shown.stream().noneMatch(Finding::isError);
        return new CheckReport(ok, run.header, run.claims, run.times(), run.signatureFacts, shown, verdicts,
                run.expected, run.expectedWithheld);
    }

    private static Finding strictly(Finding f) {
        if (f.severity() == Severity.WARNING && STRICT_ERRORS.contains(f.code())) {
            return new Finding(f.code(), Severity.ERROR, f.message(), f.hint());
        }
        return f;
    }

    private static Verdict verdict(String judge, List<Finding> findings) {
        List<String> codes = findings.stream().filter(Finding::isError).map(Finding::code).distinct().toList();
        return new Verdict(judge, codes.isEmpty(), codes);
    }

    /** One segment of the token as the device wrote it, and what it decodes to. */
    private record Segment(String text, byte[] bytes, boolean padded, boolean standardAlphabet, boolean nonCanonical) {
        Segment(String text, byte[] bytes, boolean padded, boolean standardAlphabet) {
            this(text, bytes, padded, standardAlphabet, false);
        }
    }

    /** One check of one token: mutable while the rules run, then read into the report. */
    private static final class Run {
        final CheckRequest request;
        final List<Finding> findings = new ArrayList<>();
        JsonObject header;
        JsonObject claims;
        Long iat;
        Long exp;
        SignatureFacts signatureFacts;
        Expected expected;
        String expectedWithheld;
        Segment[] segments = new Segment[0];
        JwtAlg alg;

        Run(CheckRequest request) {
            this.request = request;
        }

        void execute() {
            String token = structure(request.token().strip());
            if (token == null) {
                return;
            }
            header = json(0);
            claims = json(1);
            headerRules();
            claimRules();
            signatureRules();
        }

        // ---- structure and encoding ----

        private String structure(String token) {
            if (token.isEmpty()) {
                findings.add(Finding.error("jwt.malformed", "the token is empty", "give the token the device sends as"
                        + " its MQTT password"));
                return null;
            }
            StringBuilder compact = new StringBuilder(token.length());
            int whitespace = 0;
            int firstAt = -1;
            char firstChar = 0;
            for (int i = 0; i < token.length(); i++) {
                char c = token.charAt(i);
                if (Character.isWhitespace(c) || c == '\0') {
                    if (firstAt < 0) {
                        firstAt = i;
                        firstChar = c;
                    }
                    whitespace++;
                } else {
                    compact.append(c);
                }
            }
            if (whitespace > 0) {
                findings.add(Finding.error("jwt.base64.whitespace", "the token has " + whitespace + " whitespace"
                        + " character" + (whitespace == 1 ? "" : "s") + " inside it (the first, " + name(firstChar)
                        + ", at position " + firstAt + ")", "send the token as one unbroken line: no line breaks,"
                        + " spaces or NUL bytes inside the MQTT password"));
            }
            String t = compact.toString();
            String[] parts = t.split("\\.", -1);
            if (parts.length != 3) {
                String why = parts.length == 5 ? "; 5 segments is an encrypted JWT (JWE), IoT Core needs a signed one"
                        : parts.length == 1 ? "; there is no '.', so this is not a JWT" : "";
                findings.add(Finding.error("jwt.malformed", "the token has " + parts.length + " segment"
                        + (parts.length == 1 ? "" : "s") + " separated by '.', a JWT has 3 (header.claims.signature)"
                        + why, "send all three segments, joined by '.'"));
            }
            int n = Math.min(parts.length, 3);
            segments = new Segment[n];
            List<String> padded = new ArrayList<>();
            List<String> standard = new ArrayList<>();
            List<String> nonCanonical = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                segments[i] = segment(parts[i], i);
                if (segments[i].padded()) {
                    padded.add(SEGMENT[i]);
                }
                if (segments[i].standardAlphabet()) {
                    standard.add(SEGMENT[i]);
                }
                if (segments[i].nonCanonical()) {
                    nonCanonical.add(SEGMENT[i]);
                }
            }
            if (!padded.isEmpty()) {
                findings.add(Finding.warning("jwt.base64.padding", "the " + join(padded) + " segment"
                        + (padded.size() == 1 ? " ends" : "s end") + " with '=' padding, which base64url in a JWT must"
                        + " not have (RFC 7515); Google IoT Core tolerated it, strict brokers such as ClearBlade"
                        + " refuse it", "strip every trailing '=' from each segment,"
                        + " and sign the unpadded header.claims text"));
            }
            if (!standard.isEmpty()) {
                findings.add(Finding.error("jwt.base64.alphabet", "the " + join(standard) + " segment"
                        + (standard.size() == 1 ? " uses" : "s use") + " '+' or '/' from the standard base64"
                        + " alphabet; a JWT uses base64url, with '-' and '_'", "encode with the URL-safe alphabet:"
                        + " replace '+' with '-' and '/' with '_', and drop '='"));
            }
            if (!nonCanonical.isEmpty()) {
                findings.add(Finding.warning("jwt.base64.non-canonical", "the last character of the "
                        + join(nonCanonical) + " segment" + (nonCanonical.size() == 1 ? " sets" : "s set")
                        + " unused low bits, so the same bytes have another, canonical base64url text (RFC 4648"
                        + " §3.5); Google IoT Core decoded it, strict brokers compare the text and refuse it",
                        "encode each segment with a standard base64url encoder (the unused bits are zero), and sign"
                                + " that text"));
            }
            return t;
        }

        private Segment segment(String text, int index) {
            String what = "the " + SEGMENT[index] + " segment";
            if (text.isEmpty()) {
                findings.add(Finding.error("jwt.malformed", what + " is empty", index == 2
                        ? "sign the token: an unsigned token (alg none) is never accepted" : null));
                return new Segment(text, null, false, false);
            }
            int end = text.length();
            while (end > 0 && text.charAt(end - 1) == '=') {
                end--;
            }
            boolean padded = end < text.length();
            String core = text.substring(0, end);
            boolean standard = false;
            for (int i = 0; i < core.length(); i++) {
                char c = core.charAt(i);
                if (c == '+' || c == '/') {
                    standard = true;
                } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                        || c == '_')) {
                    findings.add(Finding.error("jwt.malformed", what + " has " + name(c) + " at position " + i
                            + ", which is not base64url", "encode each segment with base64url"));
                    return new Segment(text, null, padded, standard);
                }
            }
            String url = core.replace('+', '-').replace('/', '_');
            if (url.length() % 4 == 1) {
                findings.add(Finding.error("jwt.malformed", what + " is " + url.length() + " characters long, which"
                        + " no base64 text can be: a character is missing or extra", "copy the whole token; check the"
                        + " base64url encoder's output length"));
                return new Segment(text, null, padded, standard);
            }
            try {
                byte[] bytes = Base64.getUrlDecoder().decode(url);
                boolean nonCanonical = !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(url);
                return new Segment(text, bytes, padded, standard, nonCanonical);
            } catch (IllegalArgumentException e) {
                findings.add(Finding.error("jwt.malformed", what + " does not decode as base64url: "
                        + e.getMessage(), null));
                return new Segment(text, null, padded, standard);
            }
        }

        private JsonObject json(int index) {
            if (segments.length <= index || segments[index].bytes() == null) {
                return null;
            }
            String what = "the " + SEGMENT[index] + " segment";
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(segments[index].bytes())).toString();
            } catch (CharacterCodingException e) {
                findings.add(Finding.error("jwt.malformed", what + " decodes to bytes that are not UTF-8 text, so"
                        + " not JSON", "base64url-encode the JSON text itself"));
                return null;
            }
            int depth = depth(text);
            if (depth > MAX_JSON_DEPTH) {
                findings.add(Finding.error("jwt.malformed", what + " nests arrays and objects " + depth + " levels"
                        + " deep; at most " + MAX_JSON_DEPTH + " are read (a token's JSON nests 1 or 2)", "the "
                        + SEGMENT[index] + " must be a flat JSON object of the header fields or the claims"));
                return null;
            }
            try {
                JsonReader reader = new JsonReader(new StringReader(text));
                reader.setStrictness(Strictness.STRICT);
                JsonElement e = JsonParser.parseReader(reader);
                if (!atEnd(reader)) {
                    findings.add(Finding.error("jwt.malformed", what + " has more after its JSON value: "
                            + abbreviate(text), "the " + SEGMENT[index] + " must be exactly one JSON object {...}"));
                    return null;
                }
                if (!e.isJsonObject()) {
                    findings.add(Finding.error("jwt.malformed", what + " is JSON but not an object: " + abbreviate(text),
                            "the " + SEGMENT[index] + " must be a JSON object {...}"));
                    return null;
                }
                return e.getAsJsonObject();
            } catch (RuntimeException e) {
                findings.add(Finding.error("jwt.malformed", what + " is not valid JSON: " + abbreviate(text),
                        "build the " + SEGMENT[index] + " with a JSON writer; check quotes, commas and braces"));
                return null;
            }
        }

        /** Whether nothing but whitespace follows the JSON value (Gson stops after the first value). */
        private static boolean atEnd(JsonReader reader) {
            try {
                return reader.peek() == com.google.gson.stream.JsonToken.END_DOCUMENT;
            } catch (java.io.IOException | RuntimeException e) {
                return false;
            }
        }

        // ---- header ----

        private void headerRules() {
            if (header == null) {
                return;
            }
            JsonElement a = header.get("alg");
            if (a == null) {
                findings.add(Finding.error("jwt.header.alg", "the header has no alg", "use {\"alg\":\"RS256\","
                        + "\"typ\":\"JWT\"} for an RSA key or {\"alg\":\"ES256\",\"typ\":\"JWT\"} for an EC P-256 key"));
            } else if (!isString(a) || !(a.getAsString().equals("RS256") || a.getAsString().equals("ES256"))) {
                String value = abbreviate(isString(a) ? a.getAsString() : a.toString());
                String why = value.equalsIgnoreCase("none") ? "; an unsigned token is never accepted"
                        : value.equalsIgnoreCase("rs256") || value.equalsIgnoreCase("es256")
                        ? "; alg is case-sensitive" : "";
                findings.add(Finding.error("jwt.header.alg", "the header's alg is '" + value + "'; IoT Core accepts"
                        + " only RS256 and ES256" + why, "use RS256 with an RSA key, ES256 with an EC P-256 key"));
            } else {
                alg = JwtAlg.valueOf(a.getAsString());
            }
            // typ is information, under --strict too: IoT Core took tokens without it (Google's own Java sample, jjwt
            // 0.9.1, writes none), RFC 7519 §5.1 makes it optional, and no successor is known to refuse its absence
            JsonElement typ = header.get("typ");
            if (typ == null) {
                findings.add(Finding.info("jwt.header.typ", "the header has no typ; IoT Core accepted such tokens",
                        "add \"typ\":\"JWT\" to the header"));
            } else if (!isString(typ) || !typ.getAsString().equalsIgnoreCase("JWT")) {
                findings.add(Finding.info("jwt.header.typ", "the header's typ is " + abbreviate(typ.toString())
                        + ", not \"JWT\"", "set \"typ\":\"JWT\""));
            }
            JsonElement crit = header.get("crit");
            if (crit != null) {
                String b64 = header.has("b64") ? " (with b64 " + abbreviate(header.get("b64").toString()) + ")" : "";
                findings.add(Finding.error("jwt.header.crit", "the header has crit " + abbreviate(crit.toString())
                        + b64 + ": a verifier that does not understand every listed extension must refuse the token"
                        + " (RFC 7515 §4.1.11), and IoT Core's rules have none" + (crit.isJsonArray()
                        && crit.getAsJsonArray().isEmpty() ? "; an empty crit list is itself invalid" : ""),
                        "remove crit" + (b64.isEmpty() ? "" : " and b64") + " from the header: {\"alg\":\""
                                + (alg != null ? alg : "ES256") + "\",\"typ\":\"JWT\"}"));
            }
        }

        // ---- claims ----

        private void claimRules() {
            if (claims == null) {
                return;
            }
            iat = timeClaim("iat");
            exp = timeClaim("exp");
            audience();
            Instant now = request.now();
            long skew = request.skew().getSeconds();
            if (iat != null) {
                Instant issued = Instant.ofEpochSecond(iat);
                if (issued.isBefore(CLOCK_SET_AFTER)) {
                    findings.add(Finding.error("jwt.iat.unset-clock", "iat is " + Times.iso(issued) + ": the device"
                            + " clock was never set (it starts at 1970 after a power loss or reset)", "set the clock"
                            + " from NTP/SNTP before minting, and do not mint until it is set"));
                } else if (issued.isAfter(now.plusSeconds(skew))) {
                    findings.add(Finding.error("jwt.iat.future", "iat " + Times.iso(issued) + " is "
                            + Times.human(Duration.between(now, issued)) + " ahead of now (" + Times.iso(now)
                            + "); the bridge allows " + Times.human(request.skew()) + " of skew: the device clock is"
                            + " fast", "sync the device clock with NTP/SNTP; mint with the synchronised time"));
                }
            }
            if (exp != null) {
                Instant expires = Instant.ofEpochSecond(exp);
                if (!expires.isAfter(now.minusSeconds(skew))) {
                    findings.add(Finding.error("jwt.exp.expired", "the token expired at " + Times.iso(expires) + ", "
                            + Times.human(Duration.between(expires, now)) + " ago", "mint a fresh token with the"
                            + " current time; if the device thinks it is fresh, its clock is behind: sync it with NTP"));
                } else if (!expires.isAfter(now)) {
                    findings.add(Finding.warning("jwt.exp.expired", "the token expired at " + Times.iso(expires) + ", "
                            + Times.human(Duration.between(expires, now)) + " ago; the bridge may still take it"
                            + " within its " + Times.human(request.skew()) + " skew but will soon drop the connection",
                            "mint a fresh token before connecting"));
                }
            }
            if (iat != null && exp != null) {
                long lifetime = exp - iat;
                if (lifetime <= 0) {
                    findings.add(Finding.error("jwt.lifetime.negative", "exp is " + (lifetime == 0 ? "equal to"
                            : Times.human(Duration.ofSeconds(-lifetime)) + " before") + " iat: the token was never"
                            + " valid", "set exp = iat + the lifetime (e.g. 3600 for 1 h)"));
                } else if (lifetime > MAX_LIFETIME.getSeconds() + skew) {
                    findings.add(Finding.error("jwt.lifetime.too-long", "the lifetime (exp − iat) is "
                            + Times.human(Duration.ofSeconds(lifetime)) + "; IoT Core allows at most 24 h (plus "
                            + Times.human(request.skew()) + " skew)", "set exp at most 86400 seconds after iat; mint a"
                            + " new token before the old one expires"));
                }
            }
        }

        private Long timeClaim(String name) {
            JsonElement e = claims.get(name);
            if (e == null || e.isJsonNull()) {
                findings.add(Finding.error("jwt.claim.missing", "the claims have no " + name + " ("
                        + (name.equals("iat") ? "issued-at" : "expiry") + ", in seconds since 1970)", "add \"" + name
                        + "\": <epoch seconds> as a JSON number"));
                return null;
            }
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                if (e.toString().length() > MAX_NUMBER_TEXT) {
                    return outOfRange(name, e.toString()); // no time needs it; parsing it would take minutes
                }
                BigDecimal v;
                try {
                    v = e.getAsBigDecimal();
                } catch (NumberFormatException | ArithmeticException ex) {
                    return outOfRange(name, e.toString());
                }
                if (v.stripTrailingZeros().scale() > 0 || e.toString().contains(".") || e.toString().contains("e")
                        || e.toString().contains("E")) {
                    findings.add(Finding.warning("jwt.claim.type", name + " is " + abbreviate(e.toString())
                            + ", not a whole number of seconds", "write " + name + " as an integer, e.g. "
                            + v.longValue()));
                }
                return inRange(v) ? Long.valueOf(v.longValue()) : outOfRange(name, e.toString());
            }
            if (isString(e)) {
                String s = e.getAsString().strip();
                if (s.length() > MAX_NUMBER_TEXT && s.matches("[-+0-9.eE]+")) {
                    return outOfRange(name, s);
                }
                try {
                    BigDecimal v = new BigDecimal(s);
                    findings.add(Finding.warning("jwt.claim.type", name + " is the string \"" + abbreviate(s)
                            + "\", not a JSON"
                            + " number; Google accepted it, strict brokers do not", "write " + name + " without"
                            + " quotes: \"" + name + "\":" + v.longValue()));
                    return inRange(v) ? Long.valueOf(v.longValue()) : outOfRange(name, s);
                } catch (NumberFormatException | ArithmeticException ex) {
                    findings.add(Finding.error("jwt.claim.type", name + " is the string \"" + abbreviate(s) + "\","
                            + " not a number of seconds", "write " + name + " as epoch seconds, a JSON number"));
                    return null;
                }
            }
            findings.add(Finding.error("jwt.claim.type", name + " is " + abbreviate(e.toString()) + ", not a number"
                    + " of seconds", "write " + name + " as epoch seconds, a JSON number"));
            return null;
        }

        /** A number no clock reaches: an error, as the bridge cannot take it for a time (the claim is then unset). */
        private Long outOfRange(String name, String value) {
            findings.add(Finding.error("jwt.claim.type", name + " is " + abbreviate(value) + ", which is no time a"
                    + " clock can show (seconds since 1970)", "write " + name + " as epoch seconds, e.g. "
                    + request.now().getEpochSecond()));
            return null;
        }

        private static boolean inRange(BigDecimal v) {
            return v.abs().compareTo(BigDecimal.valueOf(Instant.MAX.getEpochSecond() / 2)) < 0;
        }

        private void audience() {
            JsonElement aud = claims.get("aud");
            String project = request.project();
            if (aud == null || aud.isJsonNull()) {
                findings.add(Finding.error("jwt.claim.missing", "the claims have no aud", "add \"aud\": \""
                        + (project != null ? project : "<project id>") + "\" (the cloud project id)"));
                return;
            }
            if (aud.isJsonArray()) {
                findings.add(Finding.error("jwt.aud.mismatch", "aud is an array " + abbreviate(aud.toString())
                        + "; IoT Core needs a single string: the project id", "write \"aud\": \""
                        + (project != null ? project : "<project id>") + "\""));
                return;
            }
            if (!isString(aud)) {
                findings.add(Finding.error("jwt.aud.mismatch", "aud is " + abbreviate(aud.toString())
                        + ", not a string", "write \"aud\": \"" + (project != null ? project : "<project id>")
                        + "\""));
                return;
            }
            if (project != null && !aud.getAsString().equals(project)) {
                String a = aud.getAsString();
                String why = a.equalsIgnoreCase(project) ? " (they differ only in case)"
                        : a.strip().equals(project) ? " (aud has extra whitespace)"
                        : a.matches("\\d+") ? " (that looks like a project number; IoT Core wants the project id)"
                        : "";
                findings.add(Finding.error("jwt.aud.mismatch", "aud '" + dev.iotjwt.Messages.quote(a, 200)
                        + "' is not the project id '" + project
                        + "'" + why + "; IoT Core refuses it without looking further", "mint with aud set to the"
                        + " project id exactly: \"aud\": \"" + project + "\""));
            }
        }

        // ---- signature ----

        private void signatureRules() {
            if (segments.length < 3 || segments[2].bytes() == null) {
                return;
            }
            byte[] sig = segments[2].bytes();
            String algName = header != null && header.get("alg") != null && isString(header.get("alg"))
                    ? header.get("alg").getAsString() : null;
            byte[] derAsRaw = null;
            String encoding = "raw";
            if (alg == JwtAlg.ES256) {
                derAsRaw = sig.length != 64 ? Signatures.derToRaw(sig) : null;
                if (derAsRaw != null) {
                    encoding = "DER";
                } else if (sig.length != 64) {
                    encoding = "unknown";
                    findings.add(Finding.error("jwt.signature.length", "the ES256 signature is " + sig.length
                            + " bytes; it must be 64 (R and S, 32 bytes each)", "write r and s as 32-byte big-endian"
                            + " numbers, left-padded with zeros, one after the other"));
                }
            }
            List<String> tried = new ArrayList<>();
            String verifiedWith = null;
            String fingerprint = null;
            if (request.keys().isEmpty()) {
                if (derAsRaw != null) {
                    findings.add(derFinding(sig.length, null));
                }
                findings.add(Finding.info("jwt.signature.unverified", "no key was given, so the signature was not"
                        + " checked", "add --public-key, --cert or --key with the device's registered key"));
                signatureFacts = new SignatureFacts(algName, sig.length, encoding, false, null, null, tried);
                return;
            }
            List<VerifyKey> usable = new ArrayList<>();
            for (VerifyKey k : request.keys()) {
                tried.add(k.fingerprint());
                if (alg == null) {
                    continue;
                }
                if (fits(alg, k)) {
                    usable.add(k);
                }
            }
            if (alg != null && usable.isEmpty()) {
                findings.add(Finding.error("jwt.key.alg-mismatch", "the header says " + alg + " but the key"
                        + (request.keys().size() == 1 ? " given is " : "s given are ") + describeKeys(request.keys()),
                        "the alg must match the registered key: RS256 for an RSA key, ES256 for an EC P-256 key"));
            }
            if (alg == JwtAlg.RS256 && !usable.isEmpty()) {
                boolean anyFits = usable.stream().anyMatch(k -> modulusBytes(k) == sig.length);
                if (!anyFits) {
                    findings.add(Finding.error("jwt.signature.length", "the RS256 signature is " + sig.length
                            + " bytes; an RSA " + usable.get(0).type().bits() + " key makes "
                            + modulusBytes(usable.get(0)) + "-byte signatures", "send the whole signature, base64url"
                            + "-encoded; a short one was cut off"));
                }
            }
            byte[] literal = ascii(segments[0].text() + "." + segments[1].text());
            byte[] primarySig = alg == JwtAlg.ES256 && derAsRaw != null ? derAsRaw : sig;
            for (VerifyKey k : usable) {
                if (derAsRaw == null && Signatures.verify(alg, k.publicKey(), literal, sig)) {
                    verifiedWith = k.source();
                    fingerprint = k.fingerprint();
                    break;
                }
            }
            if (derAsRaw != null) {
                VerifyKey derKey = null;
                for (VerifyKey k : usable) {
                    if (Signatures.verify(alg, k.publicKey(), literal, derAsRaw)) {
                        derKey = k;
                        break;
                    }
                }
                findings.add(derFinding(sig.length, derKey == null ? (usable.isEmpty() ? null : Boolean.FALSE)
                        : Boolean.TRUE));
                if (derKey != null) {
                    fingerprint = derKey.fingerprint();
                }
            }
            if (verifiedWith == null && alg != null && !usable.isEmpty()
                    && !(derAsRaw != null && fingerprint != null)) {
                Map.Entry<String, VerifyKey> wrong = wrongInput(usable, primarySig);
                if (wrong != null) {
                    findings.add(Finding.error("jwt.signature.wrong-input", "the signature verifies with "
                            + wrong.getValue().source() + ", but over " + wrong.getKey() + " instead of the token's"
                            + " header.claims text: the firmware signed the wrong bytes", "sign exactly the ASCII"
                            + " text <header>.<claims> as it appears in the token you send (base64url, no '=')"));
                } else {
                    boolean zeros = allZero(sig);
                    findings.add(Finding.error("jwt.signature.invalid", "the signature does not verify with "
                            + describeFingerprints(usable) + (zeros ? "; it is all zero bytes: the signer failed on"
                            + " the device" : ""), "register the public key that belongs to the device's private"
                            + " key (compare fingerprints with iotjwt key inspect), or sign with the key whose public"
                            + " half is registered"));
                }
            }
            signatureFacts = new SignatureFacts(algName, sig.length, encoding, verifiedWith != null, verifiedWith,
                    verifiedWith != null ? fingerprint : null, tried);
            expectedToken(usable);
        }

        private Finding derFinding(int length, Boolean valid) {
            String validity = valid == null ? ""
                    : valid ? "; converted to R‖S it verifies, so only the encoding is wrong"
                    : "; converted to R‖S it does not verify either";
            return Finding.error("jwt.signature.der-encoded", "the ES256 signature is " + length + " bytes of ASN.1"
                    + " DER (SEQUENCE of r and s); JWS needs the raw 64-byte R‖S (RFC 7518 §3.4)" + validity,
                    "convert DER to R‖S: take r and s, left-pad each to 32 bytes, concatenate (mbedtls_ecdsa_write_"
                            + "signature and OpenSSL's ECDSA_sign write DER)");
        }

        /** Tries what firmware plausibly signed instead of the token text; returns the variant and key that match. */
        private Map.Entry<String, VerifyKey> wrongInput(List<VerifyKey> keys, byte[] sig) {
            if (segments[0].bytes() == null || segments[1].bytes() == null) {
                return null;
            }
            byte[] h = segments[0].bytes();
            byte[] c = segments[1].bytes();
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            Base64.Encoder urlPadded = Base64.getUrlEncoder();
            Base64.Encoder std = Base64.getEncoder();
            String canonical = url.encodeToString(h) + "." + url.encodeToString(c);
            String literal = segments[0].text() + "." + segments[1].text();
            Map<String, byte[]> variants = new LinkedHashMap<>();
            variants.put("the canonical base64url text (the token as sent was re-encoded after signing)",
                    ascii(canonical));
            variants.put("the padded base64url text (with '=')", ascii(urlPadded.encodeToString(h) + "."
                    + urlPadded.encodeToString(c)));
            variants.put("the padded base64 text in the standard alphabet ('+', '/', '=')", ascii(std.encodeToString(h)
                    + "." + std.encodeToString(c)));
            variants.put("the base64 text in the standard alphabet without padding",
                    ascii(std.withoutPadding().encodeToString(h) + "." + std.withoutPadding().encodeToString(c)));
            variants.put("the raw JSON (header.claims) instead of its base64url text", concat(h, ascii("."), c));
            variants.put("the raw claims JSON alone", c);
            variants.put("the claims segment alone", ascii(segments[1].text()));
            variants.put("the signing input with a trailing newline", ascii(canonical + "\n"));
            variants.put("the signing input with a trailing NUL byte (the C string terminator)",
                    concat(ascii(canonical), new byte[] {0}));
            variants.put("the token text as sent with a trailing newline", ascii(literal + "\n"));
            variants.put("the token text as sent with a trailing NUL byte (the C string terminator)",
                    concat(ascii(literal), new byte[] {0}));
            List<byte[]> seen = new ArrayList<>();
            seen.add(ascii(literal));
            for (Map.Entry<String, byte[]> v : variants.entrySet()) {
                if (seen.stream().anyMatch(s -> Arrays.equals(s, v.getValue()))) {
                    continue;
                }
                seen.add(v.getValue());
                for (VerifyKey k : keys) {
                    if (Signatures.verify(alg, k.publicKey(), v.getValue(), sig)) {
                        return Map.entry(v.getKey(), k);
                    }
                }
            }
            return null;
        }

        /** With a private key: the correct token for the same header and claims, and where the device's differs. */
        private void expectedToken(List<VerifyKey> usable) {
            VerifyKey signer = usable.stream().filter(k -> k.privateKey() != null).findFirst().orElse(null);
            if (signer == null || segments[0].bytes() == null || segments[1].bytes() == null) {
                return;
            }
            expectedWithheld = withheld();
            if (expectedWithheld != null) {
                return;
            }
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String input = url.encodeToString(segments[0].bytes()) + "." + url.encodeToString(segments[1].bytes());
            String token;
            try {
                token = input + "." + url.encodeToString(Signatures.sign(alg, signer.privateKey(), ascii(input)));
            } catch (GeneralSecurityException e) {
                return;
            }
            String[] want = token.split("\\.");
            for (int i = 0; i < 3; i++) {
                String have = segments[i].text();
                if (!have.equals(want[i])) {
                    if (i == 2 && alg == JwtAlg.ES256 && signatureFacts != null
                            && "DER".equals(signatureFacts.encoding())) {
                        expected = new Expected(token, "signature", "header and claims are identical; the device's"
                                + " signature is ASN.1 DER where the correct one is the 64-byte R‖S");
                        return;
                    }
                    if (i == 2 && alg == JwtAlg.ES256) {
                        boolean ok = signatureFacts != null && signatureFacts.verified();
                        expected = new Expected(token, ok ? null : "signature", ok
                                ? "header and claims are identical; ES256 signatures differ on every signing, and"
                                + " the device's verifies" : "header and claims are identical; the device's ES256"
                                + " signature does not verify (ES256 signatures differ on every signing, so compare by"
                                + " verifying)");
                        return;
                    }
                    expected = new Expected(token, SEGMENT[i], difference(have, want[i]));
                    return;
                }
            }
            expected = new Expected(token, null, "the device's token is identical");
        }

        /**
         * Why the correct token is not shown, or null when it is: it is shown only for claims {@code mint} signs by
         * default, so that a log of {@code check --key} on tokens from elsewhere is no signing service.
         */
        private String withheld() {
            String why = "the correct token is not shown: ";
            if (header == null || claims == null) {
                return why + "the header or the claims do not decode";
            }
            if (header.has("crit")) {
                return why + "the header has crit, which mint never writes";
            }
            if (iat == null || exp == null) {
                return why + "the claims have no usable " + (iat == null ? "iat" : "exp") + ", and mint signs only"
                        + " tokens with both";
            }
            long lifetime = exp - iat;
            if (lifetime <= 0 || lifetime > MAX_LIFETIME.getSeconds()) {
                return why + "its lifetime (exp − iat) " + (lifetime <= 0 ? "is not positive" : "of "
                        + Times.human(Duration.ofSeconds(lifetime)) + " is over 24 h") + ", which mint signs only"
                        + (lifetime <= 0 ? " never" : " with --allow-long-ttl");
            }
            Instant now = request.now();
            if (Instant.ofEpochSecond(exp).isBefore(now.minus(MAX_LIFETIME))) {
                return why + "it expired " + Times.human(Duration.between(Instant.ofEpochSecond(exp), now))
                        + " ago, more than 24 h before now";
            }
            if (Instant.ofEpochSecond(iat).isAfter(now.plus(request.skew()))) {
                return why + "its iat is " + Times.human(Duration.between(now, Instant.ofEpochSecond(iat)))
                        + " in the future, beyond the " + Times.human(request.skew()) + " skew";
            }
            return null;
        }

        TimeFacts times() {
            if (iat == null && exp == null) {
                return null;
            }
            String lifetime = iat != null && exp != null ? Times.human(Duration.ofSeconds(exp - iat)) : null;
            return new TimeFacts(claimTime(iat), claimTime(exp), lifetime);
        }

        private ClaimTime claimTime(Long t) {
            if (t == null) {
                return null;
            }
            Instant i = Instant.ofEpochSecond(t);
            return new ClaimTime(t, Times.iso(i), Times.relative(i, request.now()));
        }
    }

    // ---- helpers ----

    /** The deepest nesting of '[' and '{' in JSON text, outside strings (whatever else is wrong with it). */
    static int depth(String text) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                max = Math.max(max, ++depth);
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return max;
    }

    private static boolean fits(JwtAlg alg, VerifyKey k) {
        return alg == JwtAlg.RS256 ? k.type().isRsa() : k.type().isP256();
    }

    private static int modulusBytes(VerifyKey k) {
        return (k.type().bits() + 7) / 8;
    }

    private static String describeKeys(List<VerifyKey> keys) {
        List<String> out = new ArrayList<>();
        for (VerifyKey k : keys) {
            out.add(k.type().describe() + " (" + k.source() + ")");
        }
        return String.join(", ", out);
    }

    private static String describeFingerprints(List<VerifyKey> keys) {
        List<String> out = new ArrayList<>();
        for (VerifyKey k : keys) {
            out.add(k.source() + " (SHA-256 " + k.fingerprint().substring(0, 16) + "…)");
        }
        return (keys.size() == 1 ? "the key " : "any of the keys ") + String.join(", ", out);
    }

    static String difference(String have, String want) {
        int i = 0;
        while (i < have.length() && i < want.length() && have.charAt(i) == want.charAt(i)) {
            i++;
        }
        String h = i < have.length() ? "'" + have.charAt(i) + "'" : "the end";
        String w = i < want.length() ? "'" + want.charAt(i) + "'" : "the end";
        return "at character " + i + " the device's token has " + h + " where the correct one has " + w;
    }

    private static boolean isString(JsonElement e) {
        return e instanceof JsonPrimitive p && p.isString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String join(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    private static String name(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case ' ' -> "a space";
            case '\0' -> "a NUL byte";
            default -> c < 0x20 || c == 0x7f ? String.format("control character 0x%02x", (int) c) : "'" + c + "'";
        };
    }

    /** Text from the token for a message: short, one line, control characters shown as \xNN. */
    private static String abbreviate(String s) {
        String one = dev.iotjwt.Messages.printable((s.length() > 200 ? s.substring(0, 200) : s).replace("\n", "\\n"));
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
