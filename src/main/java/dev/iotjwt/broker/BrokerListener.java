package dev.iotjwt.broker;

import java.time.Instant;

/** What the broker reports while it runs: one call per event, from Netty's threads. */
public interface BrokerListener {
    /**
     * A connection event: {@code accepted}, {@code refused}, {@code dropped}, {@code denied}, {@code disconnected},
     * {@code failed} (the TLS handshake failed).
     *
     * @param time   when
     * @param kind   one of the kinds above
     * @param device the device id, or the client id when it names no device, or null
     * @param code   the finding code of a refusal, drop or denial, or null
     * @param detail one line saying what happened and why
     */
    record Event(Instant time, String kind, String device, String code, String detail) {
    }

    /**
     * A message a device published.
     *
     * @param payload       the payload as text when it is UTF-8, else null
     * @param payloadBase64 the payload in base64 when it is not UTF-8, else null
     */
    record Message(Instant time, String device, String topic, int qos, String payload, String payloadBase64) {
    }

    void event(Event event);

    void message(Message message);

    /**
     * The device's side of one connection attempt, from TCP accept to close (steps tcp, tls, mqtt, session), once
     * the connection has closed.
     */
    default void report(dev.iotjwt.diagnose.Diagnosis report) {
    }

    /** Whether {@link #report} is wanted; the bridge then skips making reports nobody reads. */
    default boolean wantsReports() {
        return true;
    }
}
