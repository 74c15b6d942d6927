package dev.iotjwt.cli.options;

import dev.iotjwt.Messages;
import dev.iotjwt.broker.Registry;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.time.Duration;

/**
 * The value checks picocli cannot express as a type: each one a usage error (exit 2) in one wording, naming the
 * flag, for every command.
 */
public final class Checks {
    private Checks() {
    }

    /** {@code FLAG must be positive} when {@code value} is zero or negative; null (not given) passes. */
    public static void positive(CommandLine cl, String flag, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new ParameterException(cl, flag + " must be positive");
        }
    }

    /** {@code FLAG must not be negative}; null (not given) passes. */
    public static void notNegative(CommandLine cl, String flag, Duration value) {
        if (value != null && value.isNegative()) {
            throw new ParameterException(cl, flag + " must not be negative");
        }
    }

    /** {@code FLAG must be LOW to HIGH} when {@code value} is outside; returns it. */
    public static int within(CommandLine cl, String flag, int value, int low, int high) {
        if (value < low || value > high) {
            throw new ParameterException(cl, flag + " must be " + low + " to " + high);
        }
        return value;
    }

    /** {@code FLAG must be at least LOW} when {@code value} is below; null (not given) passes. */
    public static void atLeast(CommandLine cl, String flag, Integer value, int low) {
        if (value != null && value < low) {
            throw new ParameterException(cl, flag + " must be at least " + low);
        }
    }

    /** {@code FLAG goes with OTHER} when FLAG was given on the command line without what it needs. */
    public static void goesWith(CommandLine cl, String flag, boolean otherGiven, String other) {
        if (!otherGiven && given(cl, flag)) {
            throw new ParameterException(cl, flag + " goes with " + other);
        }
    }

    /** Whether FLAG was typed (not just defaulted). */
    public static boolean given(CommandLine cl, String flag) {
        return cl.getParseResult() != null && cl.getParseResult().hasMatchedOption(flag);
    }

    /**
     * {@code WHAT 'ID' is neither a device id (…) nor a numeric id} unless {@code id} is a device or gateway id as
     * the device manager API names it: IoT Core's id rule, or a numeric id; returns it.
     */
    public static String deviceId(CommandLine cl, String what, String id) {
        if (!Registry.validId(id) && !id.matches("[0-9]{1,19}")) {
            throw new ParameterException(cl, what + " '" + Messages.quote(id, 60) + "' is neither a device id ("
                    + Registry.ID_RULE + ") nor a numeric id");
        }
        return id;
    }
}
