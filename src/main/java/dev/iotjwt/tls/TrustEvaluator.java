package dev.iotjwt.tls;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.time.Times;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explains a server chain against the roots given: which root anchors it, and if none, why not (unknown root, missing
 * intermediate), plus dates at the device's time and the host name. The verdict itself is the JSSE handshake's; this
 * says why in words a firmware engineer can act on.
 */
public final class TrustEvaluator {

    /**
     * Findings, facts (one per certificate, the anchor), the anchoring root's name or null, and whether the chain
     * ends at a CA that has the name of a root given but another key (a CA made anew under the same name).
     */
    public record Result(List<Finding> findings, Map<String, String> facts, String anchor, boolean sameNameOtherCa) {
    }

    public Result evaluate(List<X509Certificate> chain, List<X509Certificate> roots, String host, Instant at,
                           Exception refusal) {
        List<Finding> findings = new ArrayList<>();
        Map<String, String> facts = new LinkedHashMap<>();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            facts.put("certificate " + i, describe(c));
        }
        if (chain.isEmpty()) {
            findings.add(Finding.error("trust.unknown-ca", "the server presented no certificate", null));
            return new Result(findings, facts, null, false);
        }
        String anchor = anchorOf(chain, roots);
        facts.put("anchor", anchor == null ? "none of the roots given" : anchor);
        X509Certificate last = chain.get(chain.size() - 1);
        X509Certificate namesake = anchor == null && roots != null ? namesake(last, roots) : null;
        if (namesake != null) {
            boolean top = Certificates.selfSigned(last);
            String server = top ? "'" + Certificates.name(last) + "' (SHA-256 " + Certificates.fingerprint(last)
                    + ")" : "'" + Certificates.name(last) + "', issued by a CA named '" + Certificates.issuerName(last)
                    + "' whose key is not the root's";
            findings.add(Finding.error("trust.unknown-ca", "the server's chain ends at " + server + ": a different CA"
                    + " with the same name as the root given, '" + Certificates.name(namesake) + "' (SHA-256 "
                    + Certificates.fingerprint(namesake) + "); the names match, the keys do not", "the CA was made"
                    + " anew under the same name, or the CA file is stale: give the CA file the server's CA comes"
                    + " from"));
        } else if (anchor == null && roots != null) {
            String rootNames = String.join(", ", roots.stream().map(r -> "'" + Certificates.name(r) + "' ("
                    + Certificates.keyType(r.getPublicKey()) + ")").toList());
            if (!Certificates.selfSigned(last) && last.getBasicConstraints() < 0) {
                findings.add(Finding.error("trust.incomplete-chain", "the server sent only '"
                        + Certificates.name(last) + "', issued by '" + Certificates.issuerName(last) + "', which it did"
                        + " not send and which is not among the roots given (" + rootNames + ")", "if '"
                        + Certificates.issuerName(last) + "' is an intermediate, the server omits it; otherwise the CA"
                        + " file has the wrong root"));
            } else {
                String top = Certificates.selfSigned(last) ? Certificates.name(last) : Certificates.issuerName(last);
                findings.add(Finding.error("trust.unknown-ca", "the server's chain ends at '" + top + "', which is not"
                        + " among the roots given: " + rootNames, "give the root that issued the server's chain ("
                        + "for mqtt.2030.ltsapis.goog: GTS LTSR plus the backup GlobalSign ECC Root CA R4; for"
                        + " mqtt.googleapis.com: Google's roots.pem); an unknown corporate issuer means TLS"
                        + " interception"));
            }
        } else if (anchor == null && refusal != null && messagesOf(refusal).contains("PKIX path building")) {
            findings.add(Finding.error("trust.unknown-ca", "the server's chain ends at '"
                    + (Certificates.selfSigned(last) ? Certificates.name(last) : Certificates.issuerName(last))
                    + "', which the JDK's trust store does not hold", "give the broker's root CA with --ca"));
        }
        for (X509Certificate c : chain) {
            if (c.getNotAfter().toInstant().isBefore(at)) {
                findings.add(Finding.error("trust.expired", "'" + Certificates.name(c) + "' expired on "
                        + Times.iso(c.getNotAfter().toInstant()) + " (judged at " + Times.iso(at) + ")",
                        "if the device clock is right, the server must renew its certificate"));
            } else if (c.getNotBefore().toInstant().isAfter(at)) {
                boolean unsetClock = at.isBefore(Instant.parse("2015-01-01T00:00:00Z"));
                findings.add(Finding.error("trust.not-yet-valid", "'" + Certificates.name(c) + "' is valid only from "
                        + Times.iso(c.getNotBefore().toInstant()) + " but the clock says " + Times.iso(at)
                        + (unsetClock ? ": the device clock was never set" : ""), "set the device clock from NTP/SNTP"
                        + " before TLS and before minting the JWT"));
            }
        }
        if (host != null && !Certificates.matchesHost(chain.get(0), host)) {
            findings.add(Finding.error("trust.hostname-mismatch", "the server certificate's names "
                    + Certificates.sans(chain.get(0)) + " do not include '" + host + "'", Certificates.isIpLiteral(host)
                    ? "connect by host name, not by IP address" : "connect with the exact host name the certificate"
                    + " names"));
        }
        if (findings.isEmpty() && refusal != null) {
            findings.add(Finding.error("trust.unknown-ca", "the chain did not verify: "
                    + dev.iotjwt.Messages.cause(refusal), null));
        }
        return new Result(findings, facts, anchor, namesake != null);
    }

    /**
     * The root given that has the name of the CA the chain ends at (the top certificate itself when self-signed,
     * else its issuer) without having issued it, or null.
     */
    private static X509Certificate namesake(X509Certificate last, List<X509Certificate> roots) {
        javax.security.auth.x500.X500Principal name = Certificates.selfSigned(last) ? last.getSubjectX500Principal()
                : last.getIssuerX500Principal();
        for (X509Certificate r : roots) {
            if (r.getSubjectX500Principal().equals(name) && !r.equals(last) && !Certificates.issued(last, r)) {
                return r;
            }
        }
        return null;
    }

    private static String anchorOf(List<X509Certificate> chain, List<X509Certificate> roots) {
        if (roots == null) {
            return null;
        }
        for (X509Certificate c : chain) {
            for (X509Certificate r : roots) {
                if (r.equals(c) || Certificates.issued(c, r)) {
                    return Certificates.name(r) + " (SHA-256 " + Certificates.fingerprint(r) + ")";
                }
            }
        }
        return null;
    }

    public static String describe(X509Certificate c) {
        return "'" + Certificates.name(c) + "' issued by '" + Certificates.issuerName(c) + "', "
                + Certificates.keyType(c.getPublicKey()) + ", valid " + Times.iso(c.getNotBefore().toInstant()) + " to "
                + Times.iso(c.getNotAfter().toInstant()) + ", SHA-256 " + Certificates.fingerprint(c);
    }

    private static String messagesOf(Throwable t) {
        return TlsFailures.messages(t);
    }
}
