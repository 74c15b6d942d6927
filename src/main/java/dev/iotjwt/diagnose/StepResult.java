package dev.iotjwt.diagnose;

import java.util.List;
import java.util.Map;

/**
 * What one step of a diagnosis found.
 *
 * @param id       inputs, dns, tcp, tls, trust, mqtt or session
 * @param status   pass, warn, fail or skipped
 * @param summary  one line for people
 * @param facts    what was observed, in order (addresses, versions, certificates, codes)
 * @param findings the findings of this step
 * @param millis   how long the step took
 */
public record StepResult(String id, Status status, String summary, Map<String, String> facts, List<Finding> findings,
                         long millis) {

    public static StepResult skipped(String id, String why) {
        return new StepResult(id, Status.SKIPPED, why, Map.of(), List.of(), 0);
    }

    /** PASS, or WARN when a finding is a warning, or FAIL when one is an error. */
    public static Status statusOf(List<Finding> findings) {
        if (findings.stream().anyMatch(Finding::isError)) {
            return Status.FAIL;
        }
        if (findings.stream().anyMatch(f -> f.severity() == Severity.WARNING)) {
            return Status.WARN;
        }
        return Status.PASS;
    }
}
