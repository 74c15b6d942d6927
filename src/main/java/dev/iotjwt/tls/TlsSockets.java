package dev.iotjwt.tls;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/** Opens verified TLS connections exactly as asked: this address, this SNI (or none), these versions and suites. */
public final class TlsSockets {
    private TlsSockets() {
    }

    /**
     * Connects TCP to {@code address}, then shakes hands with host-name verification against {@code host}. The
     * socket is returned after a successful handshake; on failure it is closed and the exception thrown.
     */
    public static SSLSocket open(SSLContext context, InetSocketAddress address, String host, TlsSettings settings,
                                 Duration timeout) throws IOException {
        int ms = (int) Math.max(1, timeout.toMillis());
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(address, ms);
            raw.setSoTimeout(ms);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, host, address.getPort(), true);
            SSLParameters p = ssl.getSSLParameters();
            List<SNIServerName> names = settings.sni() == null ? List.of() : List.of(new SNIHostName(settings.sni()));
            p.setServerNames(names);
            p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!settings.protocols().isEmpty()) {
                p.setProtocols(settings.protocols().toArray(String[]::new));
            }
            if (!settings.ciphers().isEmpty()) {
                p.setCipherSuites(settings.ciphers().toArray(String[]::new));
            }
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Whether a host name can be sent as SNI (RFC 6066 forbids IP literals). */
    public static boolean sniAllowed(String host) {
        return host != null && !Certificates.isIpLiteral(host);
    }
}
