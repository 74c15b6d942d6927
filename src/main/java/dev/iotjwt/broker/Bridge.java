package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.DevicePolicy;
import dev.iotjwt.broker.tls.BridgeTls;
import dev.iotjwt.diagnose.Diagnosis;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/** What every connection of one bridge shares: settings, policy, devices, TLS, the waiting room and the listener. */
final class Bridge {
    private final BrokerSettings settings;
    private final DevicePolicy policy;
    private final DeviceStore store;
    private final BridgeTls tls;
    private final WaitingRoom waitingRoom;
    private final BrokerListener listener;
    private final AtomicLong lastBusyReport = new AtomicLong(Long.MIN_VALUE);

    Bridge(BrokerSettings settings, DevicePolicy policy, DeviceStore store, BridgeTls tls, BrokerListener listener) {
        this.settings = settings;
        this.policy = policy;
        this.store = store;
        this.tls = tls;
        this.waitingRoom = new WaitingRoom(settings.maxConnecting());
        this.listener = listener;
    }

    BrokerSettings settings() {
        return settings;
    }

    DevicePolicy policy() {
        return policy;
    }

    DeviceStore store() {
        return store;
    }

    BridgeTls tls() {
        return tls;
    }

    WaitingRoom waitingRoom() {
        return waitingRoom;
    }

    Clock clock() {
        return settings.clock();
    }

    /** A log line; a listener's failure never reaches a Netty thread. */
    void event(String kind, String who, String code, String detail) {
        try {
            listener.event(new BrokerListener.Event(clock().instant(), kind, who, code, detail));
        } catch (RuntimeException e) {
            // the event is lost, the bridge goes on
        }
    }

    void message(BrokerListener.Message m) {
        try {
            listener.message(m);
        } catch (RuntimeException e) {
            // the message was accepted; only its report is lost
        }
    }

    boolean wantsReports() {
        return listener.wantsReports();
    }

    void finished(Diagnosis report) {
        try {
            listener.report(report);
        } catch (RuntimeException e) {
            // as above
        }
    }

    /** The room was full: said at most once a second. */
    void busy(InetSocketAddress newest) {
        long now = System.nanoTime();
        long last = lastBusyReport.get();
        if ((last == Long.MIN_VALUE || now - last >= 1_000_000_000L) && lastBusyReport.compareAndSet(last, now)) {
            long n = waitingRoom.takeEvicted();
            event("refused", null, "broker.busy", settings.maxConnecting() + " connections are waiting for their"
                    + " CONNECT (--max-connecting): " + n + " of them closed to make room, each the oldest waiting"
                    + " one of the address holding the most places; the newest from " + newest.getAddress()
                    .getHostAddress() + ":" + newest.getPort());
        }
    }
}
