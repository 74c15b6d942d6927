package dev.iotjwt.bench;

import dev.iotjwt.tls.Certificates;
import dev.iotjwt.tls.TlsContexts;
import dev.iotjwt.tls.TlsSockets;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What the simulated devices share: two event loops (epoll where it loads) and one verifying TLS client context,
 * BoringSSL where its native library loads, else the JDK's engine. A handshake costs the client a fraction of a
 * millisecond of CPU in BoringSSL against several in the JDK's engine, so the bench stops competing with the bridge
 * it measures for the machine's cores.
 *
 * <p>Verification is on: the chain against the given roots at the device's time, the host name against the
 * certificate. Engines are made without a peer address, so neither engine keeps a session to resume: every device
 * makes a full handshake, as devices in the field do.
 */
final class BenchNetwork implements AutoCloseable {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final String host;
    private final InetSocketAddress address;
    private final String provider;

    private BenchNetwork(EventLoopGroup group, Bootstrap bootstrap, SslContext tls, String host,
                         InetSocketAddress address, String provider) {
        this.group = group;
        this.bootstrap = bootstrap;
        this.tls = tls;
        this.host = host;
        this.address = address;
        this.provider = provider;
    }

    /**
     * @param roots        the roots to verify the bridge with (null: the JDK's)
     * @param preferNative BoringSSL where its native library loads (false: the JDK's engine)
     */
    static BenchNetwork open(InetSocketAddress address, String host, List<X509Certificate> roots, Instant verifyAt,
                             Duration timeout, boolean preferNative) throws GeneralSecurityException, SSLException {
        SslProvider provider = preferNative && OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK;
        if (provider == SslProvider.JDK && System.getProperty("jdk.tls.namedGroups") == null) {
            // P-256 key exchange first, as embedded TLS stacks offer it (the JDK's default x25519 has no native
            // implementation here); set after Netty's OpenSsl class has loaded, which logs the property otherwise
            System.setProperty("jdk.tls.namedGroups", "secp256r1,x25519,secp384r1");
        }
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(provider)
                .trustManager(new HostChecking(TlsContexts.pkix(roots, verifyAt), host))
                // the host name is checked by HostChecking against the name asked for, not against SNI
                .endpointIdentificationAlgorithm(null)
                .protocols("TLSv1.3", "TLSv1.2");
        if (provider == SslProvider.OPENSSL_REFCNT) {
            // P-256 first, as embedded TLS stacks offer it
            b.option(OpenSslContextOption.GROUPS, new String[] {"P-256", "X25519", "P-384"});
        }
        SslContext tls = b.build();
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime()
                .availableProcessors()), r -> {
            Thread t = new Thread(r, "iotjwt-bench-io");
            t.setDaemon(true);
            return t;
        }, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        return new BenchNetwork(group, bootstrap, tls, host, address,
                provider == SslProvider.OPENSSL_REFCNT ? "BoringSSL" : "JDK");
    }

    /** "BoringSSL" or "JDK". */
    String provider() {
        return provider;
    }

    /** Opens one device's connection: TCP, then the TLS handshake (SNI unless the host is an IP address). */
    ChannelFuture connect(BenchClient device) {
        SSLEngine engine = tls.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
        if (TlsSockets.sniAllowed(host)) {
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(host)));
            engine.setSSLParameters(p);
        }
        SslHandler ssl = new SslHandler(engine);
        ssl.setHandshakeTimeoutMillis(0); // the device's own deadline covers the whole connect
        return bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast("tls", ssl)
                        .addLast("mqtt-decoder", new io.netty.handler.codec.mqtt.MqttDecoder(1 << 20))
                        .addLast("mqtt-encoder", io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE)
                        .addLast("device", device);
            }
        }).connect(address);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        io.netty.util.ReferenceCountUtil.release(tls);
    }

    /**
     * PKIX, then the host name asked for against the server certificate's names: the same check the tool's sockets
     * make ({@code ChainRecorder}), whichever engine runs the handshake.
     */
    private static final class HostChecking implements X509TrustManager {
        private final X509ExtendedTrustManager pkix;
        private final String host;

        HostChecking(X509ExtendedTrustManager pkix, String host) {
            this.pkix = pkix;
            this.host = host;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            pkix.checkServerTrusted(certs, authType);
            if (certs == null || certs.length == 0 || !Certificates.matchesHost(certs[0], host)) {
                throw new CertificateException("No subject alternative name of the server certificate matches '"
                        + host + "'");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("a device does not accept clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }
}
