package dev.iotjwt.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Wraps the verifying PKIX trust manager: records the chain the server presented and the version and suite being
 * negotiated, then lets the real trust manager decide. Nothing is trusted that the wrapped manager refuses; the
 * recording only lets the diagnosis show a chain that did not verify.
 *
 * <p>On sockets it also checks the host name, against the socket's peer host only: the sockets of
 * {@link TlsSockets} turn JSSE's endpoint identification off, because JSSE would accept a certificate for the SNI
 * name too, so a different SNI would silently change the name verified.
 */
final class ChainRecorder extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager verifier;
    private volatile List<X509Certificate> chain = List.of();
    private volatile String protocol;
    private volatile String cipherSuite;
    private volatile CertificateException refusal;

    ChainRecorder(X509ExtendedTrustManager verifier) {
        this.verifier = verifier;
    }

    List<X509Certificate> chain() {
        return chain;
    }

    String protocol() {
        return protocol;
    }

    String cipherSuite() {
        return cipherSuite;
    }

    /** Why the verifying trust manager refused the chain, or null. */
    CertificateException refusal() {
        return refusal;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket)
            throws CertificateException {
        SSLSession session = socket instanceof SSLSocket s ? s.getHandshakeSession() : null;
        record(certs, session);
        try {
            verifier.checkServerTrusted(certs, authType, socket);
            String name = session == null ? null : session.getPeerHost();
            if (name == null || certs == null || certs.length == 0 || !Certificates.matchesHost(certs[0], name)) {
                throw new CertificateException("no name of the server certificate matches '" + name + "'");
            }
        } catch (CertificateException e) {
            refusal = e;
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
            throws CertificateException {
        record(certs, engine == null ? null : engine.getHandshakeSession());
        try {
            verifier.checkServerTrusted(certs, authType, engine);
        } catch (CertificateException e) {
            refusal = e;
            throw e;
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        record(certs, null);
        try {
            verifier.checkServerTrusted(certs, authType);
        } catch (CertificateException e) {
            refusal = e;
            throw e;
        }
    }

    private void record(X509Certificate[] certs, SSLSession session) {
        chain = certs == null ? List.of() : List.of(certs);
        if (session != null) {
            protocol = session.getProtocol();
            cipherSuite = session.getCipherSuite();
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.getAcceptedIssuers();
    }
}
