package dev.iotjwt.broker;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The connections waiting for their CONNECT, at most {@code limit} at once, shared fairly between source addresses:
 * when the room is full, a new connection takes the place of one of the address that holds the most places: the one
 * that got least far (no byte yet, then TLS under way, then TLS done), the oldest of those. One address re-opening
 * hundreds of silent connections then only ever evicts its own silent ones, while a device from anywhere else, or a
 * prompt one from the same address (it sends its ClientHello at once), still gets in.
 */
final class WaitingRoom {
    private final int limit;
    private final Map<InetAddress, ArrayDeque<DeviceChannel>> byAddress = new HashMap<>();
    private int waiting;
    private long evicted;

    WaitingRoom(int limit) {
        this.limit = limit;
    }

    /** Admits {@code c}; returns the connection it displaces (to be closed by the caller), or null. */
    synchronized DeviceChannel admit(InetAddress from, DeviceChannel c) {
        DeviceChannel out = null;
        if (waiting >= limit) {
            ArrayDeque<DeviceChannel> most = null;
            InetAddress key = null;
            for (Map.Entry<InetAddress, ArrayDeque<DeviceChannel>> e : byAddress.entrySet()) {
                if (most == null || e.getValue().size() > most.size()) {
                    most = e.getValue();
                    key = e.getKey();
                }
            }
            if (most != null) {
                DeviceChannel least = null;
                for (DeviceChannel w : most) {
                    if (least == null || w.progress() < least.progress()) {
                        least = w;
                    }
                }
                most.remove(least);
                out = least;
                waiting--;
                evicted++;
                if (most.isEmpty()) {
                    byAddress.remove(key);
                }
            }
        }
        byAddress.computeIfAbsent(from, a -> new ArrayDeque<>()).addLast(c);
        waiting++;
        return out;
    }

    /** {@code c} sent its CONNECT or closed: its place is free. */
    synchronized void leave(InetAddress from, DeviceChannel c) {
        ArrayDeque<DeviceChannel> q = byAddress.get(from);
        if (q != null && q.remove(c)) {
            waiting--;
            if (q.isEmpty()) {
                byAddress.remove(from);
            }
        }
    }

    synchronized int waiting() {
        return waiting;
    }

    /** How many were evicted since the last call (for the once-a-second log line). */
    synchronized long takeEvicted() {
        long n = evicted;
        evicted = 0;
        return n;
    }

    /** How many places {@code from} holds. */
    synchronized int held(InetAddress from) {
        ArrayDeque<DeviceChannel> q = byAddress.get(from);
        return q == null ? 0 : q.size();
    }
}
