package dev.iotjwt.broker.tls;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLException;

/** STUB until the TLS stage lands. */
public final class BridgeTls {
    private final SslContext context;
    private final ServerTls server;

    private BridgeTls(SslContext context, ServerTls server) {
        this.context = context;
        this.server = server;
    }

    public static BridgeTls create(List<X509Certificate> chain, PrivateKey key, X509Certificate placeholderCert,
                                   PrivateKey placeholderKey, List<String> serverNames, boolean requireSni,
                                   TlsProfile profile, boolean preferNative, Path caFile) throws SSLException {
        SslProvider provider = preferNative && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        SslContext ctx = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new)).sslProvider(provider)
                .protocols("TLSv1.3", "TLSv1.2").clientAuth(ClientAuth.NONE).build();
        return new BridgeTls(ctx, new ServerTls(List.of("TLSv1.3", "TLSv1.2"), requireSni,
                provider == SslProvider.OPENSSL ? "BoringSSL" : "JDK"));
    }

    public String provider() {
        return server.provider();
    }

    public ServerTls server() {
        return server;
    }

    public ChannelHandler newStage(Duration handshakeTimeout) {
        return new TlsStage(context, handshakeTimeout);
    }
}
