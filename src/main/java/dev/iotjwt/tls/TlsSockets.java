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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Opens verified TLS connections exactly as asked: this address, this SNI (or none), these versions and suites. */
public final class TlsSockets {
    /** Closes sockets whose handshake outlives its deadline: a server trickling bytes defeats read timeouts. */
    private static final class Watchdog {
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iotjwt-tls-deadline");
            t.setDaemon(true);
            return t;
        });
    }

    private TlsSockets() {
    }

    /**
     * Connects TCP to {@code address}, then shakes hands with host-name verification against {@code host} (or the
     * settings' explicit verification name). The SNI sent never changes the name verified: JSSE's own check would
     * accept a certificate for the SNI name as well, so it is off and the context's {@link ChainRecorder} checks the
     * socket's peer host, the one name given here. The socket is returned after a successful handshake; on failure
     * it is closed and the exception thrown.
     */
    public static SSLSocket open(SSLContext context, InetSocketAddress address, String host, TlsSettings settings,
                                 Duration timeout) throws IOException {
        int ms = (int) Math.max(1, timeout.toMillis());
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(address, ms);
            raw.setSoTimeout(ms);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, settings.verifiedName(host),
                    address.getPort(), true);
            SSLParameters p = ssl.getSSLParameters();
            List<SNIServerName> names = settings.sni() == null ? List.of() : List.of(new SNIHostName(settings.sni()));
            p.setServerNames(names);
            p.setEndpointIdentificationAlgorithm(null);
            if (!settings.protocols().isEmpty()) {
                p.setProtocols(settings.protocols().toArray(String[]::new));
            }
            if (!settings.ciphers().isEmpty()) {
                p.setCipherSuites(settings.ciphers().toArray(String[]::new));
            }
            if (!settings.groups().isEmpty()) {
                setNewerParameter(p, "setNamedGroups", settings.groups());
            }
            if (!settings.schemes().isEmpty()) {
                setNewerParameter(p, "setSignatureSchemes", settings.schemes());
            }
            ssl.setSSLParameters(p);
            java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
            ScheduledFuture<?> deadline = Watchdog.TIMER.schedule(() -> {
                expired.set(true);
                closeQuietly(raw);
            }, ms, TimeUnit.MILLISECONDS);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                if (expired.get()) {
                    throw new java.net.SocketTimeoutException("TLS handshake not finished within " + ms + " ms");
                }
                throw e;
            } finally {
                deadline.cancel(false);
            }
            return ssl;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** SSLParameters.setNamedGroups (Java 20) and setSignatureSchemes (19); this code is compiled for 17. */
    private static void setNewerParameter(SSLParameters p, String setter, List<String> values) throws IOException {
        try {
            SSLParameters.class.getMethod(setter, String[].class).invoke(p, (Object) values.toArray(String[]::new));
        } catch (ReflectiveOperationException e) {
            throw new IOException("SSLParameters." + setter + " is missing on Java " + Runtime.version().feature()
                    + "; run on a newer Java", e);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** Whether a host name can be sent as SNI (RFC 6066 forbids IP literals). */
    public static boolean sniAllowed(String host) {
        return host != null && !Certificates.isIpLiteral(host);
    }
}
