package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Severity;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

import java.util.List;

/**
 * Which one finding explains a failed connection best: the failing step's first error; but when the broker refused
 * the credentials (a CONNACK refusal, or closing after CONNECT), the token or client id problem the inputs step found,
 * errors first, then a client id warning, then a token warning (what IoT Core tolerated is what strict bridges refuse).
 */
final class CauseRanking {
    private CauseRanking() {
    }

    /** The cause, or null when no step failed. {@code steps} start with the inputs step. */
    static Finding cause(List<StepResult> steps) {
        StepResult failed = steps.stream().filter(s -> s.status() == Status.FAIL).findFirst().orElse(null);
        if (failed == null) {
            return null;
        }
        Finding first = failed.findings().stream().filter(Finding::isError).findFirst().orElse(null);
        if (first != null && refusedCredentials(first)) {
            List<Finding> inputs = steps.get(0).findings();
            for (Finding f : inputs) {
                if (f.isError() && (f.code().startsWith("jwt.") || f.code().startsWith("clientid."))) {
                    return f;
                }
            }
            for (Finding f : inputs) {
                if (f.code().startsWith("clientid.")) {
                    return f;
                }
            }
            for (Finding f : inputs) {
                if (f.code().startsWith("jwt.") && f.severity() == Severity.WARNING) {
                    return f;
                }
            }
        }
        return first;
    }

    /** A refusal that a token or client id problem explains better than the broker's answer does. */
    private static boolean refusedCredentials(Finding f) {
        return f.code().startsWith("mqtt.connack.") || f.code().equals("mqtt.closed");
    }
}
