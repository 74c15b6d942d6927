package dev.iotjwt.diagnose;

/**
 * One thing found: a stable code scripts match on (see DESIGN.md), its severity, a one-line message naming what it
 * concerns, and a hint (or null) saying how to fix it.
 */
public record Finding(String code, Severity severity, String message, String hint) {
    public static Finding error(String code, String message, String hint) {
        return new Finding(code, Severity.ERROR, message, hint);
    }

    public static Finding warning(String code, String message, String hint) {
        return new Finding(code, Severity.WARNING, message, hint);
    }

    public static Finding info(String code, String message, String hint) {
        return new Finding(code, Severity.INFO, message, hint);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }
}
