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
 * @param inflight     QoS 1 PUBLISHes to the device not yet acknowledged: packet id → config version (or -1 for a
 *                     command)
 * @param retainSeen   whether a retained PUBLISH was already reported
 * @param sni          the SNI the device sent in its TLS handshake, or null
 */
public record Session(Phase phase, String clientId, String device, int configQos, int commandsQos, int nextPacketId,
                      Map<Integer, Long> inflight, boolean retainSeen, String sni) {

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
    }

    /** A new connection. */
    public static Session fresh(String sni) {
        return new Session(Phase.AWAITING_CONNECT, null, null, -1, -1, 1, Map.of(), false, sni);
    }

    Session phase(Phase p) {
        return new Session(p, clientId, device, configQos, commandsQos, nextPacketId, inflight, retainSeen, sni);
    }

    Session connected(String id, String dev) {
        return new Session(Phase.CONNECTED, id, dev, configQos, commandsQos, nextPacketId, inflight, retainSeen, sni);
    }

    Session clientId(String id) {
        return new Session(phase, id, device, configQos, commandsQos, nextPacketId, inflight, retainSeen, sni);
    }

    Session subscriptions(int config, int commands) {
        return new Session(phase, clientId, device, config, commands, nextPacketId, inflight, retainSeen, sni);
    }

    Session withRetainSeen() {
        return new Session(phase, clientId, device, configQos, commandsQos, nextPacketId, inflight, true, sni);
    }

    Session inflight(Map<Integer, Long> now, int next) {
        return new Session(phase, clientId, device, configQos, commandsQos, next, now, retainSeen, sni);
    }

    public boolean closed() {
        return phase == Phase.CLOSED;
    }
}
