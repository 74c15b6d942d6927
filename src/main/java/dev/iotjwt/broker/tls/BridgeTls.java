package dev.iotjwt.broker.tls;

import dev.iotjwt.tls.Certificates;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;

/**
 * The bridge's server TLS: the main context, an optional placeholder context for devices without SNI, and the
 * per-ClientHello choice between them.
 *
 * <p>Provider: BoringSSL (Netty's {@link SslProvider#OPENSSL_REFCNT} through netty-tcnative) when
 * {@code preferNative} and it loads, else the JDK's engine. Renegotiation is off on both: BoringSSL refuses it;
 * for the JDK engine, {@link #create} sets the JVM-wide system property
 * {@code jdk.tls.rejectClientInitiatedRenegotiation=true} unless it is already set (the JDK reads it once, when its
 * TLS server classes load; an explicit {@code false} given on the command line is respected). Protocols are TLS 1.2 and 1.3 unless the profile says otherwise.
 *
 * <p>Groups: applied per context on BoringSSL ({@link OpenSslContextOption#GROUPS}). The JDK engine of Java 17
 * cannot restrict groups per context (per engine needs Java 20); there the profile's groups are not enforced and
 * {@link ServerTls#groupsEnforced()} is false.
 */
public final class BridgeTls {
    /** The alert an SNI the bridge does not serve gets when SNI is required. */
    public static final int UNRECOGNIZED_NAME = 112;
    private static final String RENEGOTIATION_PROPERTY = "jdk.tls.rejectClientInitiatedRenegotiation";
    /** Netty's default groups for the OpenSsl provider when {@code jdk.tls.namedGroups} is not set. */
    private static final List<String> NATIVE_DEFAULT_GROUPS = List.of("x25519", "secp256r1", "secp384r1",
            "secp521r1");
    /** The JDK 17 server's default named groups. */
    private static final List<String> JDK_DEFAULT_GROUPS = List.of("x25519", "secp256r1", "secp384r1", "secp521r1",
            "x448", "ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192");

    private final SslProvider provider;
    private final SslContext main;
    private final SslContext placeholder;
    private final ServerTls server;

    private BridgeTls(SslProvider provider, SslContext main, SslContext placeholder, ServerTls server) {
        this.provider = provider;
        this.main = main;
        this.placeholder = placeholder;
        this.server = server;
    }

    /**
     * Builds the server contexts.
     *
     * @param chain            the server chain, leaf first
     * @param key              the leaf's key
     * @param placeholderCert  the certificate a device without SNI gets when {@code requireSni}; null: the main one
     * @param placeholderKey   its key (ignored when {@code placeholderCert} is null)
     * @param serverNames      the names served; empty: the leaf's SANs
     * @param requireSni       no SNI → placeholder, an SNI not in {@code serverNames} → alert unrecognized_name
     * @param profile          protocols, suites and groups
     * @param preferNative     use BoringSSL when it loads; false forces the JDK engine
     * @param caFile           the CA file devices must trust, for hints; nullable
     * @throws SSLException when the key, chain, a suite or a group is not usable by the provider
     */
    public static BridgeTls create(List<X509Certificate> chain, PrivateKey key, X509Certificate placeholderCert,
                                   PrivateKey placeholderKey, List<String> serverNames, boolean requireSni,
                                   TlsProfile profile, boolean preferNative, Path caFile) throws SSLException {
        return create(chain, key, placeholderCert, placeholderKey, serverNames, requireSni, Offer.of(profile),
                preferNative, caFile);
    }

    /**
     * What the bridge offers: a {@link TlsProfile}'s lists, or explicit ones.
     *
     * @param protocols   JSSE protocol names; empty: TLS 1.3 and 1.2
     * @param tls13Suites TLS 1.3 suites by IANA name; with tls12Suites empty: the provider's defaults
     * @param tls12Suites TLS 1.2 suites by IANA name
     * @param groups      groups by IANA name (or P-256, X25519 …); empty: the provider's defaults
     */
    public record Offer(List<String> protocols, List<String> tls13Suites, List<String> tls12Suites,
                        List<String> groups) {
        public Offer {
            protocols = List.copyOf(protocols);
            tls13Suites = List.copyOf(tls13Suites);
            tls12Suites = List.copyOf(tls12Suites);
            groups = List.copyOf(groups);
        }

        /** A profile's lists. */
        public static Offer of(TlsProfile profile) {
            return new Offer(profile.protocols(), profile.tls13Suites(), profile.tls12Suites(), profile.groups());
        }
    }

    /** As {@link #create(List, PrivateKey, X509Certificate, PrivateKey, List, boolean, TlsProfile, boolean, Path)}
     * with explicit lists. */
    public static BridgeTls create(List<X509Certificate> chain, PrivateKey key, X509Certificate placeholderCert,
                                   PrivateKey placeholderKey, List<String> serverNames, boolean requireSni,
                                   Offer profile, boolean preferNative, Path caFile) throws SSLException {
        if (chain.isEmpty()) {
            throw new SSLException("bridge tls: empty certificate chain");
        }
        Objects.requireNonNull(key, "key");
        // the reference-counted engine: the SslHandler frees its native state when the connection ends, without a
        // finalizer keeping every closed connection's engine alive until a full GC
        SslProvider provider = preferNative && OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
        if (provider == SslProvider.JDK && System.getProperty(RENEGOTIATION_PROPERTY) == null) {
            System.setProperty(RENEGOTIATION_PROPERTY, "true");
        }
        List<String> protocols = profile.protocols().isEmpty() ? List.of("TLSv1.3", "TLSv1.2") : profile.protocols();
        List<String> suites = new ArrayList<>();
        suites.addAll(profile.tls13Suites());
        suites.addAll(profile.tls12Suites());
        List<String> groups = profile.groups();

        SslContext main = build(provider, chain.toArray(X509Certificate[]::new), key, protocols, suites, groups);
        SslContext placeholder = placeholderCert == null ? main
                : build(provider, new X509Certificate[] {placeholderCert}, placeholderKey, protocols, suites, groups);

        List<String> names = serverNames.isEmpty() ? Certificates.sans(chain.get(0)) : serverNames;
        // a TLS 1.2 suite names the certificate's key: only those that fit the bridge's certificate can complete
        boolean ecCertificate = chain.get(0).getPublicKey().getAlgorithm().equals("EC");
        List<String> acceptedSuites = main.cipherSuites().stream().map(TlsNames::ianaSuite).distinct()
                .filter(n -> TlsNames.isTls13Suite(n) || (ecCertificate ? n.contains("_ECDSA_")
                        : n.contains("_RSA_") && !n.contains("_ECDSA_"))).toList();
        if (acceptedSuites.stream().noneMatch(TlsNames::isTls13Suite)) {
            // suites given without a TLS 1.3 one: the context takes no TLS 1.3 handshake
            protocols = protocols.stream().filter(p -> !p.equals("TLSv1.3")).toList();
        }
        List<String> acceptedGroups;
        boolean enforced;
        if (provider != SslProvider.JDK) {
            acceptedGroups = groups.isEmpty() ? defaultGroups(NATIVE_DEFAULT_GROUPS) : canonicalGroups(groups);
            enforced = true;
        } else {
            acceptedGroups = defaultGroups(JDK_DEFAULT_GROUPS);
            enforced = false;
        }
        ServerTls server = new ServerTls(provider != SslProvider.JDK ? "BoringSSL" : "JDK", protocols,
                acceptedSuites, acceptedGroups, enforced, names,
                Certificates.keyType(chain.get(0).getPublicKey()), requireSni, caFile);
        return new BridgeTls(provider, main, placeholder, server);
    }

    private static SslContext build(SslProvider provider, X509Certificate[] chain, PrivateKey key,
                                    List<String> protocols, List<String> suites, List<String> groups)
            throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(key, chain)
                .sslProvider(provider)
                .clientAuth(ClientAuth.NONE)
                .protocols(protocols.toArray(String[]::new));
        if (!suites.isEmpty()) {
            b.ciphers(provider != SslProvider.JDK
                    ? suites.stream().map(TlsNames::openSslSuite).toList()
                    : suites.stream().map(TlsNames::ianaSuite).toList());
        }
        if (provider != SslProvider.JDK && !groups.isEmpty()) {
            b.option(OpenSslContextOption.GROUPS, groups.stream().map(TlsNames::openSslGroup).toArray(String[]::new));
        }
        return b.build();
    }

    private static List<String> defaultGroups(List<String> fallback) {
        String configured = System.getProperty("jdk.tls.namedGroups");
        if (configured == null || configured.isBlank()) {
            return fallback;
        }
        return canonicalGroups(Arrays.stream(configured.replace("\"", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList());
    }

    private static List<String> canonicalGroups(List<String> names) {
        return names.stream().map(n -> {
            int id = TlsNames.groupId(n);
            return id < 0 ? n : TlsNames.group(id);
        }).toList();
    }

    /** Frees the contexts' native state (BoringSSL); the bridge calls it when it stops. */
    public void close() {
        io.netty.util.ReferenceCountUtil.release(main);
        if (placeholder != main) {
            io.netty.util.ReferenceCountUtil.release(placeholder);
        }
    }

    /** The provider in use. */
    public SslProvider provider() {
        return provider;
    }

    /** What the bridge takes, for devices' reports. */
    public ServerTls server() {
        return server;
    }

    /** A new stage for one channel. */
    public TlsStage newStage(Duration handshakeTimeout) {
        return new TlsStage(this::choose, handshakeTimeout);
    }

    /** The choice for a ClientHello (null: unparsable, the main context lets the engine say why). */
    public TlsStage.Choice choose(ClientHello hello) {
        if (hello == null) {
            return new TlsStage.Use(main, "default");
        }
        if (hello.sni() == null) {
            return server.requireSni() ? new TlsStage.Use(placeholder, "placeholder")
                    : new TlsStage.Use(main, "default");
        }
        if (server.serves(hello.sni())) {
            return new TlsStage.Use(main, hello.sni());
        }
        return server.requireSni() ? new TlsStage.Refuse(UNRECOGNIZED_NAME) : new TlsStage.Use(main, "default");
    }
}
