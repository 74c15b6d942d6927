package dev.iotjwt.time;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing and showing times and durations the way people type them: {@code 20m}, {@code 1h30m}, epoch seconds. */
public final class Times {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|d|h|m|s)");

    private Times() {
    }

    /**
     * Parses a duration: {@code 90s}, {@code 20m}, {@code 1h30m}, {@code 2d}, plain seconds ({@code 3600}) or ISO-8601
     * ({@code PT1H}).
     *
     * @throws IllegalArgumentException with a message that says what is accepted
     */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase());
            } catch (DateTimeParseException e) {
                throw bad(text);
            }
        }
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Matcher m = DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int pos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                throw bad(text);
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            pos = m.end();
        }
        if (pos != t.length() || pos == 0) {
            throw bad(text);
        }
        return total;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; use e.g. 90s, 20m, 1h30m, 1d or PT1H");
    }

    /**
     * Parses a point in time: epoch seconds ({@code 1630420878}), ISO-8601 with an offset or Z
     * ({@code 2021-08-31T14:41:18Z}), a local date-time or a date (both taken as UTC).
     */
    public static Instant parseInstant(String text) {
        String t = text.strip();
        if (t.matches("-?\\d+")) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(t));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("'" + text + "' is out of range for epoch seconds");
            }
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("'" + text + "' is not a time; use epoch seconds (1700000000) or ISO-8601"
                + " (2026-11-25T10:00:00Z)");
    }

    /** A short human duration: {@code 20 m}, {@code 3 h 5 m}, {@code 2 d 4 h}, {@code 45 s}. */
    public static String human(Duration d) {
        long s = Math.abs(d.getSeconds());
        if (s == 0 && !d.isZero()) {
            return Math.abs(d.toMillis()) + " ms";
        }
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            long m = s / 60;
            long r = s % 60;
            return r == 0 ? m + " m" : m + " m " + r + " s";
        }
        if (s < 86400) {
            long h = s / 3600;
            long m = (s % 3600) / 60;
            return m == 0 ? h + " h" : h + " h " + m + " m";
        }
        long days = s / 86400;
        if (days >= 365) {
            return String.format("%.1f years", s / (365.25 * 86400));
        }
        long h = (s % 86400) / 3600;
        return h == 0 ? days + " d" : days + " d " + h + " h";
    }

    /** {@code in 5 m}, {@code 3 h ago} or {@code now}, relative to {@code now}. */
    public static String relative(Instant t, Instant now) {
        Duration d = Duration.between(now, t);
        if (d.abs().getSeconds() < 1) {
            return "now";
        }
        return d.isNegative() ? human(d) + " ago" : "in " + human(d);
    }

    /** ISO-8601 UTC to the second. */
    public static String iso(Instant t) {
        long second = t.getEpochSecond();
        Iso last = lastIso;
        if (last != null && last.second == second) {
            return last.text;
        }
        String text = Instant.ofEpochSecond(second).toString();
        lastIso = new Iso(second, text);
        return text;
    }

    /**
     * The last second formatted: the bridge stamps several log lines and report times a connection, hundreds of
     * connections a second, and most fall in the second just formatted.
     */
    private record Iso(long second, String text) {
    }

    private static volatile Iso lastIso;
}
