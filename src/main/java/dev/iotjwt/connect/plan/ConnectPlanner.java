package dev.iotjwt.connect.plan;

import dev.iotjwt.InputException;
import dev.iotjwt.InputFiles;
import dev.iotjwt.connect.ConnectRequest;
import dev.iotjwt.connect.Profile;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.jwt.JwtAlg;
import dev.iotjwt.jwt.JwtMinter;
import dev.iotjwt.jwt.MintRequest;
import dev.iotjwt.jwt.VerifyKey;
import dev.iotjwt.keys.KeyMaterial;
import dev.iotjwt.keys.KeyReader;
import dev.iotjwt.keys.PasswordSource;
import dev.iotjwt.mqtt.ClientIds;
import dev.iotjwt.time.Times;
import dev.iotjwt.tls.CaBundle;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TlsSockets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Turns what a user asked of {@code connect} into the {@link ConnectRequest} the doctor runs: the profile's host,
 * port and roots, the token (minted from a key, or read), the keys to check it with, SNI and the device's TLS, and
 * the session's topics. Usage problems are the caller's to find before; what is wrong with a file is an
 * {@link InputException}.
 */
public final class ConnectPlanner {
    private final Clock clock;
    private final Map<String, String> env;

    /** {@code clock} mints fresh tokens while staying; {@code env} finds the local broker's CA. */
    public ConnectPlanner(Clock clock, Map<String, String> env) {
        this.clock = clock;
        this.env = env;
    }

    /** The server: a profile (or null), and what overrides it; {@code host} or {@code profile} is given. */
    public record Target(Profile profile, String host, Integer port, String region, List<Path> ca) {
    }

    /**
     * The device: its client id and id, and the token's audience, asked for only when a token is minted, once the
     * key has been read (the caller decides what a missing audience is).
     */
    public record Device(String clientId, Supplier<String> audience, String deviceId, String username) {
    }

    /** The password: a private key to mint from (with its password source and lifetime), or a token / @FILE. */
    public record Token(Path key, PasswordSource passwords, Duration ttl, String jwt) {
    }

    /**
     * The device's TLS: SNI sent ({@code send} false for none; {@code sni} null for the host dialled), and the
     * rest of the settings as {@code settings(sni, now)} makes them.
     */
    public record Tls(boolean send, String sni, Instant deviceTime, TlsFactory settings) {
    }

    /** Makes the TLS settings once SNI and the device's time are known. */
    @FunctionalInterface
    public interface TlsFactory {
        TlsSettings settings(String sni, Instant now);
    }

    /** What to do once connected; {@code stay} and {@code publishEvery} null when not asked. */
    public record Session(String publish, String topic, String subscribe, Duration waitFor, Duration stay,
                          Duration publishEvery) {
    }

    /** The request and the private key file read for it (null with a given token). */
    public record Plan(ConnectRequest request, Path privateKeyFile) {
    }

    public Plan plan(Target target, Device device, Token token, Tls tls, Duration timeout, Session session)
            throws InputException {
        Profile p = target.profile();
        String host = target.host() != null ? target.host() : p.host(target.region());
        int port = target.port() != null ? target.port() : p != null ? p.port() : 8883;
        Instant now = tls.deviceTime() != null ? tls.deviceTime() : clock.instant();
        CaBundle roots = roots(p, target.ca(), now);
        String token0;
        String origin;
        Supplier<String> fresh = null;
        List<VerifyKey> keys = new ArrayList<>();
        if (token.key() != null) {
            Path keyFile = token.key();
            KeyMaterial m = new KeyReader().privateKey(keyFile, token.passwords());
            JwtAlg alg = JwtAlg.forKey(m.type(), keyFile.toString());
            alg.requireUsable(m.type(), keyFile.toString());
            String aud = device.audience().get();
            Function<Instant, String> mint = at -> new JwtMinter().mint(new MintRequest(m.privateKey(), alg, aud, at,
                    token.ttl(), Map.of())).token();
            token0 = mint.apply(now);
            fresh = () -> mint.apply(clock.instant());
            origin = "minted from " + keyFile + " (" + alg + ", " + Times.human(token.ttl()) + ")";
            keys.add(new VerifyKey(keyFile.toString(), m.type(), m.publicHalf(), null));
        } else if (token.jwt().startsWith("@")) {
            String file = token.jwt().substring(1);
            token0 = new String(InputFiles.read(Path.of(file)), StandardCharsets.UTF_8).strip();
            origin = "read from " + file;
        } else {
            token0 = token.jwt().strip();
            origin = "given with --jwt";
        }
        String sni = !tls.send() ? null : tls.sni() != null ? tls.sni() : TlsSockets.sniAllowed(host) ? host : null;
        TlsSettings settings = tls.settings().settings(sni, now);
        String pubTopic = session.publish() == null ? null : switch (session.topic()) {
            case "state" -> ClientIds.stateTopic(device.deviceId());
            case "events" -> ClientIds.eventsTopic(device.deviceId());
            default -> session.topic();
        };
        String subTopic = session.subscribe() == null ? null : switch (session.subscribe()) {
            case "config" -> ClientIds.configTopic(device.deviceId());
            case "commands" -> ClientIds.commandsTopic(device.deviceId());
            default -> session.subscribe();
        };
        ConnectRequest request = new ConnectRequest(p == null ? null : p.cliName(), host, port, roots,
                device.clientId(), device.username(), token0, origin, keys, settings, timeout, now, pubTopic,
                session.publish() == null ? "" : session.publish(), subTopic, session.waitFor(),
                session.stay() == null ? Duration.ZERO : session.stay(), fresh, token.ttl(), session.publishEvery());
        return new Plan(request, token.key());
    }

    /** --ca's roots; else the local broker's CA, or the profile's bundle; null (the JDK's) without either. */
    private CaBundle roots(Profile p, List<Path> ca, Instant now) {
        if (!ca.isEmpty()) {
            return CaBundle.fromFiles(ca, now);
        }
        if (p == Profile.local) {
            Path localCa = Profile.localStateDir(env).resolve("ca.pem");
            CaBundle bundle = CaBundle.fromFiles(List.of(localCa), now);
            if (!Files.exists(localCa)) {
                // the usual reason: no local broker has run for this user yet
                List<Finding> findings = bundle.findings().stream().map(f -> f.code().equals("ca.unreadable")
                        ? new Finding(f.code(), f.severity(), f.message(), "start 'iotjwt broker' first (it makes this"
                        + " CA), or give the broker's CA with --ca") : f).toList();
                return new CaBundle(bundle.certificates(), bundle.names(), bundle.bytes(), findings);
            }
            return bundle;
        }
        return p != null ? CaBundle.fromResources(p.roots(), now) : null;
    }
}
