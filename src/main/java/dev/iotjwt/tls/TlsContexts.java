package dev.iotjwt.tls;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Verifying TLS client contexts: PKIX against the given roots (or the JDK's), at the device's time. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** A context and the recorder that sees what its handshakes present. One per connection. */
    public record Recorded(SSLContext context, ChainRecorder recorder) {
        public List<X509Certificate> chain() {
            return recorder.chain();
        }
    }

    /**
     * @param roots    the anchors; null means the JDK's default trust store
     * @param verifyAt the time to judge certificates at
     */
    public static Recorded create(List<X509Certificate> roots, Instant verifyAt) throws GeneralSecurityException {
        ChainRecorder recorder = new ChainRecorder(pkix(roots, verifyAt));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {recorder}, null);
        return new Recorded(ctx, recorder);
    }

    /**
     * The verifying PKIX trust manager alone (chain and validity; no host name check): for engines that check the
     * name themselves.
     *
     * @param roots    the anchors; null means the JDK's default trust store
     * @param verifyAt the time to judge certificates at
     */
    public static X509ExtendedTrustManager pkix(List<X509Certificate> roots, Instant verifyAt)
            throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        PKIXBuilderParameters params;
        if (roots == null) {
            TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            def.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : ((javax.net.ssl.X509TrustManager) def.getTrustManagers()[0]).getAcceptedIssuers()) {
                anchors.add(new TrustAnchor(c, null));
            }
            params = new PKIXBuilderParameters(anchors, null);
        } else {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate c : roots) {
                anchors.add(new TrustAnchor(c, null));
            }
            params = new PKIXBuilderParameters(anchors, null);
        }
        params.setRevocationEnabled(false);
        params.setDate(Date.from(verifyAt));
        tmf.init(new CertPathTrustManagerParameters(params));
        X509ExtendedTrustManager pkix = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                pkix = x;
            }
        }
        if (pkix == null) {
            throw new GeneralSecurityException("no PKIX trust manager in this JVM");
        }
        return pkix;
    }
}
