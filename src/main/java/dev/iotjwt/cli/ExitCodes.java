package dev.iotjwt.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every command (DESIGN.md). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int PROBLEM = 1;
    public static final int USAGE = 2;
    public static final int INPUT = 3;
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }

    static Map<String, String> helpList() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("0", "success: minted, token clean, connected");
        m.put("1", "the work ran and found a problem (token error finding, connection failed)");
        m.put("2", "usage error: unknown option, bad value, missing required option");
        m.put("3", "unusable input: missing or unreadable file, not a key, wrong password, unsupported key");
        m.put("4", "internal error (a bug); --verbose shows the stack trace");
        return m;
    }
}
