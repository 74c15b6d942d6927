package dev.iotjwt.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many inputs a fuzz test ran and for how long: each fuzz test counts its inputs, and when its class is done
 * prints one line and, when it was really fuzzing (JAZZER_FUZZ set), writes it to target/fuzz-stats/CLASS.txt.
 */
public final class FuzzStats {
    private final String name;
    private final AtomicLong inputs = new AtomicLong();
    private volatile long firstNanos;

    public FuzzStats(String name) {
        this.name = name;
    }

    /** One input is being run. */
    public void count() {
        if (inputs.getAndIncrement() == 0) {
            firstNanos = System.nanoTime();
        }
    }

    /** Call from {@code @AfterAll}: the line, printed and (when fuzzing) written. */
    public String report() {
        long n = inputs.get();
        double seconds = n == 0 ? 0 : (System.nanoTime() - firstNanos) / 1e9;
        boolean fuzzing = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();
        String line = String.format(Locale.ROOT, "%s: %,d inputs in %.0f s (%,.0f/s), %s", name, n, seconds,
                seconds > 0 ? n / seconds : 0.0, fuzzing ? "fuzzing" : "replaying the inputs directory");
        System.out.println("fuzz stats: " + line);
        if (fuzzing) {
            try {
                Path dir = Path.of("target", "fuzz-stats");
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(name.replaceAll("[^A-Za-z0-9.]", "_") + ".txt"), line + "\n",
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return line;
    }
}
