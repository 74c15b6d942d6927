package dev.iotjwt.broker;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.jwt.CheckReport;
import dev.iotjwt.jwt.CheckRequest;
import dev.iotjwt.jwt.JwtChecker;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.mqtt.ClientIds;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Judges a CONNECT as IoT Core did: the client id names a registered, unblocked device of this registry, and the
 * password is a JWT that verifies with one of its unexpired credentials, with the alg of that key, aud = project,
 * iat not in the future beyond the skew, not expired, lifetime at most 24 h plus skew. With {@code strict}, padding
 * and other non-canonical encodings are refused too.
 */
public final class DeviceAuthenticator {
    public static final Duration SKEW = Duration.ofMinutes(10);

    private final java.util.function.Supplier<Registry> registry;
    private final boolean strict;
    private final Duration skew;
    private final boolean quick;

    public DeviceAuthenticator(Registry registry, boolean strict) {
        this(registry, strict, SKEW);
    }

    public DeviceAuthenticator(Registry registry, boolean strict, Duration skew) {
        this(registry, strict, skew, false);
    }

    /**
     * With {@code quick}, a plainly good token ({@link FastToken}) is accepted without the full checker's report:
     * the decision is the same, but an accepted decision then lists no token findings.
     */
    public DeviceAuthenticator(Registry registry, boolean strict, Duration skew, boolean quick) {
        this(() -> registry, strict, skew, quick);
    }

    /** An authenticator that reads the registry anew for every CONNECT (the bridge's devices change at run time). */
    public DeviceAuthenticator(java.util.function.Supplier<Registry> registry, boolean strict, Duration skew,
                               boolean quick) {
        this.registry = registry;
        this.strict = strict;
        this.skew = skew;
        this.quick = quick;
    }

    /**
     * The outcome for one CONNECT.
     *
     * @param accepted  whether to answer CONNACK 0
     * @param device    the device id, or null when the client id names none
     * @param code      the finding code of the refusal, or null
     * @param reason    one line saying why
     * @param expiresAt when the connection must be dropped (exp + skew), for accepted devices
     * @param findings  every finding about the token, as {@code check} gives them (empty when no token was judged)
     */
    public record Decision(boolean accepted, String device, String code, String reason, Instant expiresAt,
                           List<Finding> findings) {
        public Decision {
            findings = List.copyOf(findings);
        }

        static Decision refuse(String device, String code, String reason) {
            return new Decision(false, device, code, reason, null, List.of());
        }

        Decision withFindings(List<Finding> all) {
            return new Decision(accepted, device, code, reason, expiresAt, all);
        }
    }

    /** Refusals that say the token does not fit the device's unexpired keys: an expired one may be the cause. */
    private static final java.util.Set<String> KEY_CODES = java.util.Set.of("jwt.key.alg-mismatch",
            "jwt.signature.invalid", "jwt.signature.unverified");

    /**
     * When the token verifies with one of the device's expired credentials, the refusal that names it (code
     * {@code device.credential-expired}); else null. Only asked after a refusal for the key, so a device with
     * expired credentials costs one more verification per refused CONNECT, never an accepted one.
     */
    private Decision expiredCredential(Registry registry, Registry.Device device, String token, Instant now) {
        List<Registry.Credential> expired = device.credentials().stream().filter(c -> c.expiredAt(now)).toList();
        if (expired.isEmpty()) {
            return null;
        }
        CheckReport r = new JwtChecker().check(new CheckRequest(token, registry.project(),
                expired.stream().map(Registry.Credential::key).toList(), now, skew, strict));
        if (r.signature() == null || !r.signature().verified()) {
            return null;
        }
        for (int i = 0; i < device.credentials().size(); i++) {
            Registry.Credential c = device.credentials().get(i);
            if (c.expiredAt(now) && c.key().source().equals(r.signature().verifiedWith())) {
                List<String> valid = device.credentials().stream().filter(v -> !v.expiredAt(now))
                        .map(Registry.Credential::format).toList();
                return Decision.refuse(device.id(), "device.credential-expired", "the token verifies with credentials["
                        + i + "] (" + c.format() + ") of device '" + device.id() + "', which expired at "
                        + dev.iotjwt.time.Times.iso(c.expires()) + "; the unexpired credentials are "
                        + String.join(", ", valid) + ": register a new public key, or sign with the key of an"
                        + " unexpired credential");
            }
        }
        return null;
    }

    public Decision authenticate(String clientId, byte[] password, Instant now) {
        Registry registry = this.registry.get();
        ClientIds.Parts parts = clientId == null ? null : ClientIds.parse(clientId);
        if (parts == null) {
            return Decision.refuse(null, "clientid.malformed", "client id '" + ClientIds.quote(clientId) + "' is not"
                    + " projects/P/locations/R/registries/G/devices/D");
        }
        if (!parts.project().equals(registry.project()) || !parts.region().equals(registry.region())
                || !parts.registry().equals(registry.registry())) {
            return Decision.refuse(parts.device(), "clientid.malformed", "client id names project '"
                    + ClientIds.quote(parts.project()) + "', region '" + ClientIds.quote(parts.region())
                    + "', registry '" + ClientIds.quote(parts.registry())
                    + "'; this broker serves " + registry.clientIdOf("D"));
        }
        Registry.Device device = registry.devices().get(parts.device());
        if (device == null) {
            return Decision.refuse(parts.device(), "device.unknown", "no device '" + ClientIds.quote(parts.device())
                    + "' in registry " + registry.registry());
        }
        if (device.blocked()) {
            return Decision.refuse(device.id(), "device.blocked", "device '" + device.id() + "' is blocked");
        }
        List<VerifyKey> keys = device.credentials().stream().filter(c -> !c.expiredAt(now)).map(
                Registry.Credential::key).toList();
        if (keys.isEmpty()) {
            return Decision.refuse(device.id(), "device.no-credentials", "device '" + device.id() + "' has no"
                    + " unexpired credential");
        }
        if (password == null || password.length == 0) {
            return Decision.refuse(device.id(), "jwt.malformed", "no password: the JWT goes in the MQTT password"
                    + " (with any user name, e.g. 'unused')");
        }
        String token = new String(password, java.nio.charset.StandardCharsets.UTF_8);
        if (quick) {
            Instant exp = FastToken.accept(token, registry.project(), keys, now);
            if (exp != null) {
                return new Decision(true, device.id(), null, "accepted", exp.plus(skew), List.of());
            }
        }
        CheckReport report = new JwtChecker().check(new CheckRequest(token, registry.project(), keys, now, skew,
                strict));
        for (Finding f : report.findings()) {
            if (f.isError()) {
                if (KEY_CODES.contains(f.code())) {
                    Decision expired = expiredCredential(registry, device, token, now);
                    if (expired != null) {
                        return expired.withFindings(report.findings());
                    }
                }
                return Decision.refuse(device.id(), f.code(), f.message()).withFindings(report.findings());
            }
        }
        if (report.signature() == null || !report.signature().verified()) {
            Decision expired = expiredCredential(registry, device, token, now);
            return (expired != null ? expired : Decision.refuse(device.id(), "jwt.signature.invalid", "the signature"
                    + " does not verify with the device's credentials")).withFindings(report.findings());
        }
        if (report.times() == null || report.times().exp() == null) {
            return Decision.refuse(device.id(), "jwt.claim.missing", "the claims have no usable exp")
                    .withFindings(report.findings());
        }
        // exp as the checker read it: a string ("1700000000") or a fraction Google tolerated is no JSON long
        Instant expiresAt = Instant.ofEpochSecond(report.times().exp().epoch()).plus(skew);
        return new Decision(true, device.id(), null, "accepted", expiresAt, report.findings());
    }
}
