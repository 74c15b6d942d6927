package dev.iotjwt.tls;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * One verified handshake that records what the server presented, even when it does not verify. Nothing is sent
 * after the handshake; the connection is closed at once.
 */
public final class TlsProbe {

    /**
     * @param handshake   the handshake completed (and so the chain verified)
     * @param reachedCert the server's certificate arrived (version and suite were agreed)
     * @param protocol    the version negotiated, or null
     * @param cipherSuite the suite negotiated, or null
     * @param chain       the certificates presented
     * @param refusal     why verification refused the chain, or null
     * @param error       the handshake's exception, or null
     * @param millis      how long it took
     * @param socket      the verified connection, left open when asked for and the handshake completed, else null
     */
    public record Result(boolean handshake, boolean reachedCert, String protocol, String cipherSuite,
                         List<X509Certificate> chain, Exception refusal, Exception error, long millis,
                         SSLSocket socket) {
    }

    public Result probe(List<X509Certificate> roots, InetSocketAddress address, String host, TlsSettings settings,
                        Duration timeout) {
        return probe(roots, address, host, settings, timeout, false);
    }

    /**
     * @param keepOpen leave a verified connection open in {@link Result#socket()} (the caller closes it): MQTT can go
     *                 over it without a second handshake
     */
    public Result probe(List<X509Certificate> roots, InetSocketAddress address, String host, TlsSettings settings,
                        Duration timeout, boolean keepOpen) {
        long start = System.nanoTime();
        TlsContexts.Recorded ctx;
        try {
            ctx = TlsContexts.create(roots, settings.verifyAt());
        } catch (GeneralSecurityException e) {
            return new Result(false, false, null, null, List.of(), null, e, 0, null);
        }
        SSLSocket s = null;
        try {
            s = TlsSockets.open(ctx.context(), address, host, settings, timeout);
            Result r = new Result(true, true, s.getSession().getProtocol(), s.getSession().getCipherSuite(),
                    ctx.chain(), null, null, (System.nanoTime() - start) / 1_000_000, keepOpen ? s : null);
            if (!keepOpen) {
                s.close();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a failed connection
                }
            }
            boolean reached = !ctx.chain().isEmpty();
            return new Result(false, reached, ctx.recorder().protocol(), ctx.recorder().cipherSuite(), ctx.chain(),
                    ctx.recorder().refusal(), e, (System.nanoTime() - start) / 1_000_000, null);
        }
    }
}
