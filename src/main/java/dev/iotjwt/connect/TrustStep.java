package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;
import dev.iotjwt.tls.Certificates;
import dev.iotjwt.tls.TlsProbe;
import dev.iotjwt.tls.TlsSettings;
import dev.iotjwt.tls.TlsSockets;
import dev.iotjwt.tls.TrustEvaluator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trust step: explains the chain the server presented (anchor, names, dates) against the roots given. The verdict
 * is the handshake's; when it refused the chain, follow-up probes tell a missing SNI and a signature scheme the device
 * does not offer from an unknown CA. Hands over the verified connection only when the chain verified, so a token is
 * never sent over a connection whose trust did not pass.
 */
final class TrustStep implements Step<Handshake, Verified> {
    private final Context ctx;

    TrustStep(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Outcome<Verified> run(Handshake handshake) {
        ConnectRequest r = ctx.request();
        TlsSettings tls = r.tls();
        TlsProbe.Result probe = handshake.probe();
        long start = ctx.time().nanoTime();
        String host = r.host();
        // the name verified is the host dialled or the one given with --verify-name, never the SNI sent
        String name = tls.verifiedName(host);
        String nameOrigin = tls.verifyName() == null ? "the host dialled" : "given with --verify-name";
        String sniSent = tls.sni() == null ? "none" : tls.sni();
        TrustEvaluator.Result t = new TrustEvaluator().evaluate(probe.chain(), ctx.roots(), name, tls.verifyAt(),
                probe.refusal() != null ? probe.refusal() : probe.error());
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("name verified", name + " (" + nameOrigin + ")");
        facts.put("SNI sent", sniSent);
        facts.putAll(t.facts());
        if (probe.handshake()) {
            List<Finding> findings = t.findings().stream().filter(f -> !f.isError()).toList();
            return new Outcome<>(new StepResult("trust", StepResult.statusOf(findings), "chain verifies"
                    + (t.anchor() != null ? ", anchored at " + t.anchor().replaceAll(" \\(SHA-256.*", "")
                    : " (JDK trust store)") + "; the certificate names " + name + " (" + nameOrigin + "), SNI sent: "
                    + sniSent, facts, findings, ctx.millisSince(start)),
                    new Verified(handshake.address(), probe.socket()));
        }
        List<Finding> findings = new ArrayList<>(t.findings());
        findings.replaceAll(f -> f.code().equals("trust.hostname-mismatch") ? Finding.error(f.code(), f.message()
                + " (the name verified: " + nameOrigin + "; SNI sent: " + sniSent + ")", tls.verifyName() == null
                && tls.sni() != null && !tls.sni().equalsIgnoreCase(host) ? "the SNI does not change the"
                + " name verified: dial the name the certificate carries, or give --verify-name NAME if the"
                + " device verifies another name than it dials" : f.hint()) : f);
        long deadline = ctx.deadline(start);
        Duration left = ctx.left(deadline);
        if (tls.sni() == null && TlsSockets.sniAllowed(host) && left == null) {
            facts.put("follow-up: with SNI " + host, ctx.usedUp("trust"));
        } else if (tls.sni() == null && TlsSockets.sniAllowed(host)) {
            TlsProbe.Result withSni = ctx.network().handshake(ctx.roots(), handshake.address(), host,
                    tls.withSni(host), left, false);
            facts.put("follow-up: with SNI " + host, withSni.handshake() ? "the chain verifies"
                    : "still does not verify");
            if (withSni.handshake()) {
                findings.add(0, Finding.error("tls.sni-missing", "without SNI the server presents '"
                        + (probe.chain().isEmpty() ? "?" : Certificates.name(probe.chain().get(0)))
                        + "', with SNI " + host + " a chain that verifies: the device does not send SNI",
                        "send the broker's host name in the TLS server_name extension"));
            }
        }
        if (tls.sni() == null && !probe.chain().isEmpty() && Certificates.noSniPlaceholder(probe.chain().get(0))
                && findings.stream().noneMatch(f -> f.code().equals("tls.sni-missing"))) {
            // to an IP address no SNI is sent, so no follow-up with SNI could run: the placeholder tells
            findings.add(0, Finding.error("tls.sni-missing", "without SNI the server presents the no-SNI"
                    + " placeholder '" + Certificates.name(probe.chain().get(0)) + "' (\"No SNI"
                    + " provided\"): it requires SNI, and none was sent" + (TlsSockets.sniAllowed(host) ? ""
                    : " (" + host + " is an address; SNI carries a host name)"), "give --host NAME or"
                    + " --sni NAME with the broker's host name (the local broker's: localhost, or a --hostname it"
                    + " was started with); on the device, send that name in the TLS server_name extension"));
        }
        if ("local".equals(r.profile()) && t.sameNameOtherCa()) {
            findings.replaceAll(f -> f.code().equals("trust.unknown-ca") && f.message().contains("same name")
                    ? Finding.error(f.code(), f.message(), "another local broker's CA, or one made anew: give --ca"
                    + " <the broker's state-dir>/ca.pem (the file its start-up lines name); without --ca the"
                    + " local profile trusts the default state folder's ca.pem") : f);
        }
        left = ctx.left(deadline);
        if (!tls.schemes().isEmpty() && left == null) {
            facts.put("follow-up: the default signature schemes", ctx.usedUp("trust"));
        } else if (!tls.schemes().isEmpty()) {
            TlsProbe.Result defaults = ctx.network().handshake(ctx.roots(), handshake.address(), host,
                    tls.withSchemes(List.of()), left, false);
            facts.put("follow-up: the default signature schemes", defaults.handshake() ? "the chain verifies"
                    : "still does not verify");
            if (defaults.handshake()) {
                findings.removeIf(f -> f.code().equals("trust.unknown-ca"));
                findings.add(0, Finding.error("tls.no-common-cipher", "the server's certificate needs a signature"
                        + " scheme the device does not offer (" + String.join(", ", tls.schemes()) + "); it"
                        + " presents " + TlsFollowUps.describe(probe.chain()) + ", which verifies"
                        + " with the default schemes", "choose an endpoint and root the device can verify (the LTS"
                        + " chain is P-256 throughout), or add the scheme to the device"));
            }
        }
        if (findings.stream().noneMatch(Finding::isError)) {
            findings.add(Finding.error("trust.unknown-ca", "the server's chain did not verify", null));
        }
        return Outcome.failed(new StepResult("trust", Status.FAIL, findings.get(0).message(), facts, findings,
                ctx.millisSince(start)));
    }
}
