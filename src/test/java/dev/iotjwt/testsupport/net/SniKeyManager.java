package dev.iotjwt.testsupport.net;

import dev.iotjwt.testsupport.net.TestPki.Issued;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves one certificate per SNI host name and a default one when the client sends no SNI or an unknown name,
 * the way a TLS front end serves its placeholder certificate (row T4).
 */
final class SniKeyManager extends X509ExtendedKeyManager {
    static final String DEFAULT_ALIAS = "default";
    private static final String SNI_PREFIX = "sni:";

    private final Map<String, Issued> byAlias = new LinkedHashMap<>();

    SniKeyManager(Issued defaultChain, Map<String, Issued> bySni) {
        if (defaultChain != null) {
            byAlias.put(DEFAULT_ALIAS, defaultChain);
        }
        bySni.forEach((host, issued) -> byAlias.put(SNI_PREFIX + host.toLowerCase(Locale.ROOT), issued));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession handshake = socket instanceof SSLSocket ? ((SSLSocket) socket).getHandshakeSession() : null;
        return choose(keyType, handshake);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = new ArrayList<>();
        byAlias.forEach((alias, issued) -> {
            if (fits(issued, keyType)) {
                aliases.add(alias);
            }
        });
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Issued issued = byAlias.get(alias);
        return issued == null ? null : issued.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Issued issued = byAlias.get(alias);
        return issued == null ? null : issued.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** The SNI host name requested in a handshake session, or null when none was sent. */
    static String requestedHost(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession)) {
            return null;
        }
        for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return ((SNIHostName) name).getAsciiName();
            }
        }
        return null;
    }

    private String choose(String keyType, SSLSession handshake) {
        String host = requestedHost(handshake);
        if (host != null) {
            String alias = SNI_PREFIX + host.toLowerCase(Locale.ROOT);
            Issued issued = byAlias.get(alias);
            if (issued != null) {
                return fits(issued, keyType) ? alias : null;
            }
        }
        Issued fallback = byAlias.get(DEFAULT_ALIAS);
        return fallback != null && fits(fallback, keyType) ? DEFAULT_ALIAS : null;
    }

    /** JSSE asks per key type ("EC", "RSA", "RSASSA-PSS"); answering with a key of another type breaks it. */
    private static boolean fits(Issued issued, String keyType) {
        return keyType != null && keyType.equals(issued.key().getAlgorithm());
    }
}
