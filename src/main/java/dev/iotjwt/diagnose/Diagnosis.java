package dev.iotjwt.diagnose;

import java.util.List;

/**
 * The result of a step-by-step diagnosis: every step in order and the one finding that explains a failure best.
 */
public record Diagnosis(boolean ok, Target target, List<StepResult> steps, Finding cause) {
}
