package dev.iotjwt;

/**
 * The tool cannot proceed. Services throw subtypes of this; the command line maps each subtype to one exit code.
 * A failing check is never an exception: it is a result.
 */
public abstract sealed class ToolException extends Exception permits InputException {
    private final String code;
    private final String hint;

    protected ToolException(String code, String message, String hint, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.hint = hint;
    }

    /** A stable finding code such as {@code key.weak}, or null. */
    public String code() {
        return code;
    }

    /** What the user can do about it, or null. */
    public String hint() {
        return hint;
    }
}
