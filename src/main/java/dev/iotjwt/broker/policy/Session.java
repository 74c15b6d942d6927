package dev.iotjwt.broker.policy;

import java.util.Map;

/**
 * What the policy knows of one connection between packets: immutable, one per packet judged.
 *
 * @param phase        where the connection is
 * @param clientId     the CONNECT's client id, once one arrived
 * @param device       the device the connection belongs to, once accepted
 * @param configQos    the QoS the config subscription was granted, or -1 when not subscribed
 * @param commandsQos  the QoS the commands subscription was granted, or -1 when not subscribed
 * @param nextPacketId the next packet id for a QoS 1 PUBLISH to the device
 * @param inflight     QoS 1 PUBLISHes to the device not yet acknowledged, by packet id
 * @param retainSeen   whether a retained PUBLISH was already reported
 * @param sni          the SNI the device sent in its TLS handshake, or null
 * @param errorsQos    for a gateway: the QoS its errors topic subscription was granted, or -1
 * @param attached     for a gateway: the devices attached to it, by id, with their subscriptions
 */
public record Session(Phase phase, String clientId, String device, int configQos, int commandsQos, int nextPacketId,
                      Map<Integer, InFlight> inflight, boolean retainSeen, String sni, int errorsQos,
                      Map<String, Attached> attached) {

    /** A QoS 1 PUBLISH to the device in flight: whose config version it carries (-1 for a command). */
    public record InFlight(String device, long version) {
    }

    /**
     * A device attached to a gateway: the QoS of the gateway's subscriptions on its behalf (-1 when none), how it
     * was authorised (association, token or both), and until when (its token's exp plus the skew; null without a
     * token).
     */
    public record Attached(int configQos, int commandsQos, String how, java.time.Instant until) {
        Attached subscriptions(int config, int commands) {
            return new Attached(config, commands, how, until);
        }
    }

    /** The life of a connection, as the policy sees it. */
    public enum Phase {
        /** TCP (and TLS) up, no CONNECT yet. */
        AWAITING_CONNECT,
        /** CONNECT accepted. */
        CONNECTED,
        /** Refused, dropped or disconnected: nothing more is judged. */
        CLOSED
    }

    public Session {
        inflight = Map.copyOf(inflight);
        attached = Map.copyOf(attached);
    }

    /** A new connection. */
    public static Session fresh(String sni) {
        return new Session(Phase.AWAITING_CONNECT, null, null, -1, -1, 1, Map.of(), false, sni, -1, Map.of());
    }

    Session phase(Phase p) {
        return new Session(p, clientId, device, configQos, commandsQos, nextPacketId, inflight, retainSeen,
                sni, errorsQos, attached);
    }

    Session connected(String id, String dev) {
        return new Session(Phase.CONNECTED, id, dev, configQos, commandsQos, nextPacketId, inflight, retainSeen,
                sni, errorsQos, attached);
    }

    Session clientId(String id) {
        return new Session(phase, id, device, configQos, commandsQos, nextPacketId, inflight, retainSeen,
                sni, errorsQos, attached);
    }

    Session subscriptions(int config, int commands) {
        return new Session(phase, clientId, device, config, commands, nextPacketId, inflight, retainSeen,
                sni, errorsQos, attached);
    }

    Session withRetainSeen() {
        return new Session(phase, clientId, device, configQos, commandsQos, nextPacketId, inflight, true,
                sni, errorsQos, attached);
    }

    Session inflight(Map<Integer, InFlight> now, int next) {
        return new Session(phase, clientId, device, configQos, commandsQos, next, now, retainSeen,
                sni, errorsQos, attached);
    }

    Session errors(int qos) {
        return new Session(phase, clientId, device, configQos, commandsQos, nextPacketId, inflight, retainSeen, sni,
                qos, attached);
    }

    Session attached(Map<String, Attached> now) {
        return new Session(phase, clientId, device, configQos, commandsQos, nextPacketId, inflight, retainSeen, sni,
                errorsQos, now);
    }

    public boolean closed() {
        return phase == Phase.CLOSED;
    }
}
