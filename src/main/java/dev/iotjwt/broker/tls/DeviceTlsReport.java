package dev.iotjwt.broker.tls;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** STUB until the TLS stage lands. */
public final class DeviceTlsReport {
    private DeviceTlsReport() {
    }

    public static StepResult step(HandshakeObservation o, ServerTls server) {
        Map<String, String> facts = new LinkedHashMap<>();
        if (o.ok()) {
            facts.put("version", o.protocol());
            facts.put("suite", o.cipherSuite());
            return new StepResult("tls", Status.PASS, o.protocol() + " " + o.cipherSuite(), facts, List.of(),
                    o.millis());
        }
        Finding f = o.timedOut() ? Finding.error("device.tls.timeout", "the device stalled in the TLS handshake",
                null) : Finding.error("device.tls.closed", "the TLS handshake failed: " + o.failure(), null);
        return new StepResult("tls", Status.FAIL, f.message(), facts, List.of(f), o.millis());
    }
}
