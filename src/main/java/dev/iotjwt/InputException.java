package dev.iotjwt;

/** An input file or value is unusable: missing, unreadable, not what was expected, wrong password, unsupported. */
public final class InputException extends ToolException {
    public InputException(String message) {
        this(null, message, null, null);
    }

    public InputException(String message, String hint) {
        this(null, message, hint, null);
    }

    public InputException(String code, String message, String hint) {
        this(code, message, hint, null);
    }

    public InputException(String code, String message, String hint, Throwable cause) {
        super(code, message, hint, cause);
    }
}
