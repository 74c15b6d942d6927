package dev.iotjwt.connect;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told to, or when something sleeps on it. */
final class FakeTime implements Time {
    private final Instant base;
    private long nanos;

    FakeTime(Instant base) {
        this.base = base;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return base.plusNanos(nanos);
    }

    @Override
    public void sleep(Duration d) {
        advance(d);
    }
}
