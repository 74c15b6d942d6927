package dev.iotjwt.connect;

import dev.iotjwt.diagnose.Status;
import dev.iotjwt.diagnose.StepResult;

/**
 * One step of a diagnosed connection: takes what the step before handed over and gives its result and, unless it
 * failed, what the next step needs (resolved addresses, then the address that answered, then the handshake, then the
 * verified connection, then the MQTT connection).
 *
 * @param <I> what the step before hands over
 * @param <O> what this step hands over to the next
 */
interface Step<I, O> {

    Outcome<O> run(I in);

    /**
     * A step's result and its hand-off.
     *
     * @param result what the step found
     * @param next   what the next step needs; null when the step failed (the session step hands its MQTT client on
     *               regardless: a device that stays rides out a drop)
     */
    record Outcome<O>(StepResult result, O next) {
        static <O> Outcome<O> failed(StepResult result) {
            return new Outcome<>(result, null);
        }

        boolean failed() {
            return result.status() == Status.FAIL;
        }
    }
}
