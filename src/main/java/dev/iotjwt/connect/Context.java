package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the steps of one connection share: the request, the network and the time. Each step is bounded by
 * {@code --timeout} from its own start.
 */
record Context(ConnectRequest request, Network network, Time time) {

    /** The roots to trust; null means the JDK's trust store. */
    List<X509Certificate> roots() {
        return request.ca() == null ? null : request.ca().certificates();
    }

    long millisSince(long start) {
        return (time.nanoTime() - start) / 1_000_000;
    }

    /** The end of a step's bound: {@code --timeout} after it started. */
    long deadline(long start) {
        return start + request.timeout().toNanos();
    }

    /** What is left of a step's bound, or null when too little is left for another probe. */
    Duration left(long deadline) {
        long nanos = deadline - time.nanoTime();
        return nanos < Duration.ofMillis(100).toNanos() ? null : Duration.ofNanos(nanos);
    }

    /** The fact of a follow-up probe that the step's bound left no time for. */
    String usedUp(String step) {
        return "not tried: the " + step + " step's bound of " + dev.iotjwt.time.Times.human(request.timeout())
                + " (--timeout) was used up";
    }

    /** A failed step whose one finding is {@code f}. */
    StepResult fail(String id, long start, Map<String, String> facts, Finding f) {
        return new StepResult(id, Status.FAIL, f.message(), facts, List.of(f), millisSince(start));
    }
}
