package dev.iotjwt.broker.policy;

import dev.iotjwt.diagnose.Finding;

import java.time.Duration;
import java.time.Instant;

/** What the bridge does about one packet or timer, in order. */
public sealed interface Action {
    /** Send a packet to the device. */
    record Send(Outbound packet) implements Action {
    }

    /**
     * Close the connection. With {@code drain}, after a refusal: the refusal is flushed, TLS close_notify and a TCP
     * FIN are sent, and the device's further bytes are read and discarded for a short bounded time, so a device
     * that already sent more packets still reads its CONNACK instead of a connection reset.
     */
    record Close(boolean drain) implements Action {
    }

    /**
     * The CONNECT was accepted: the connection now belongs to {@code device} (an older connection of the same device
     * is closed), is closed at {@code closeAt} (token exp + skew), and when no packet arrives for {@code idleLimit}.
     */
    record Accept(String device, String clientId, Instant closeAt, Duration idleLimit) implements Action {
    }

    /** A device published telemetry or state that the bridge keeps and reports. */
    record Received(String device, String topic, int qos, byte[] payload, boolean state) implements Action {
    }

    /**
     * A gateway attached ({@code attached} true) or detached a device: the device's config and commands now reach
     * (or no longer reach) this connection.
     */
    record Attachment(String device, boolean attached) implements Action {
    }

    /** The device acknowledged a config (QoS 1 PUBACK): the time IoT Core recorded as deviceAckTime. */
    record ConfigAcked(String device, long version) implements Action {
    }

    /**
     * Something worth a log line and a place in the device's report.
     *
     * @param kind    accepted, refused, dropped, denied, disconnected (the log's words)
     * @param who     the device id, or the client id quoted, or null
     * @param step    the report step it belongs to: mqtt (the CONNECT) or session (after it)
     * @param finding the finding (code, severity, message, hint), or null for accepted and a plain disconnect
     * @param detail  the log line's text after the code
     */
    record Event(String kind, String who, String step, Finding finding, String detail) implements Action {
    }

    /** A fact for the device's report (step mqtt or session); a repeated key adds a line. */
    record Fact(String step, String key, String value) implements Action {
    }
}
