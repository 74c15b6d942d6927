package dev.iotjwt.connect;

import java.time.Duration;
import java.time.Instant;

/** The clock the steps measure and bound themselves with, and the device simulator waits by. */
interface Time {

    /** For durations and deadlines ({@link System#nanoTime()}). */
    long nanoTime();

    /** The wall clock, for the simulator's schedule and event times. */
    Instant now();

    /** Waits; an interrupt ends the wait early and is kept set. */
    void sleep(Duration d);

    Time SYSTEM = new Time() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration d) {
            try {
                Thread.sleep(Math.max(0, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    };
}
