package dev.iotjwt.tls;

import dev.iotjwt.keys.Fingerprints;

import java.net.InetAddress;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Small facts about certificates: readable names, key types, SANs, host-name matching. */
public final class Certificates {
    private Certificates() {
    }

    /**
     * The CN when there is one, else the whole subject; control characters (a certificate, even a server's, may put
     * escape sequences in its names) shown as \xNN.
     */
    public static String name(X509Certificate c) {
        return dev.iotjwt.Messages.printable(shortName(c.getSubjectX500Principal().getName()));
    }

    public static String issuerName(X509Certificate c) {
        return dev.iotjwt.Messages.printable(shortName(c.getIssuerX500Principal().getName()));
    }

    private static String shortName(String dn) {
        String cn = null;
        String ou = null;
        String o = null;
        for (String part : dn.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
            String p = part.strip();
            if (p.startsWith("CN=") && cn == null) {
                cn = p.substring(3);
            } else if (p.startsWith("OU=") && ou == null) {
                ou = p.substring(3);
            } else if (p.startsWith("O=") && o == null) {
                o = p.substring(2);
            }
        }
        if (cn == null) {
            return dn;
        }
        return ou != null && cn.equals(o) ? cn + " (" + ou + ")" : cn;
    }

    /**
     * Whether {@code c} is the placeholder Google's front end presented to a client that sent no SNI (CN
     * invalid2.invalid, "No SNI provided; please fix your client."), which the local broker's --require-sni copies.
     */
    public static boolean noSniPlaceholder(X509Certificate c) {
        String dn = c.getSubjectX500Principal().getName();
        return dn.contains("No SNI provided") || "invalid2.invalid".equalsIgnoreCase(shortName(dn));
    }

    public static boolean selfSigned(X509Certificate c) {
        return issued(c, c);
    }

    public static boolean issued(X509Certificate child, X509Certificate issuer) {
        if (!child.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public static String keyType(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return "RSA " + rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return "EC " + (bits == 256 ? "P-256" : bits == 384 ? "P-384" : bits == 521 ? "P-521" : bits + "-bit");
        }
        return key.getAlgorithm();
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return Fingerprints.sha256(c.getEncoded());
        } catch (CertificateEncodingException e) {
            return "?";
        }
    }

    /** DNS and IP subject alternative names. */
    public static List<String> sans(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (type == 2 || type == 7) {
                        out.add(dev.iotjwt.Messages.printable(String.valueOf(n.get(1))));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return out;
        }
        return out;
    }

    /** RFC 6125 matching: exact, or a left-most wildcard label; IP literals only against IP SANs. */
    public static boolean matchesHost(X509Certificate c, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        boolean ip = isIpLiteral(h);
        for (String san : sans(c)) {
            String s = san.toLowerCase(Locale.ROOT);
            if (ip) {
                if (isIpLiteral(s) && sameAddress(s, h)) {
                    return true;
                }
                continue;
            }
            if (s.equals(h)) {
                return true;
            }
            if (s.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(s.substring(1))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isIpLiteral(String host) {
        return host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (Exception e) {
            return false;
        }
    }
}
