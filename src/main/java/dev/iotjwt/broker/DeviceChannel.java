package dev.iotjwt.broker;

import dev.iotjwt.broker.policy.Action;
import dev.iotjwt.broker.policy.DevicePolicy;
import dev.iotjwt.broker.policy.Packet;
import dev.iotjwt.broker.policy.Session;
import dev.iotjwt.broker.tls.DeviceTlsReport;
import dev.iotjwt.broker.tls.HandshakeObservation;
import dev.iotjwt.broker.tls.TlsStage;
import dev.iotjwt.diagnose.Finding;
import dev.iotjwt.diagnose.StepResult;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * One device connection: turns each decoded packet and timer into a call of the {@link DevicePolicy}, applies the
 * decision (replies, deliveries, closes, log lines), and writes the device's report when the connection ends. All
 * its methods run on the connection's event loop.
 */
final class DeviceChannel extends ChannelInboundHandlerAdapter {
    /** How long a refused device's further bytes are read and discarded before the close. */
    static final Duration DRAIN = Duration.ofSeconds(2);

    private final Bridge bridge;
    private final ConnectionReport report;
    private ChannelHandlerContext ctx;
    private InetSocketAddress remote;
    private Session session = Session.fresh(null);
    private boolean tlsDone;
    private boolean waiting;
    private boolean inRead;
    private boolean wrote;
    private boolean draining;
    private boolean closing;
    /** How far the connection got while it waits for its CONNECT: 0 no byte, 1 TLS under way, 2 TLS done. */
    private volatile int progress;
    private ScheduledFuture<?> connectDeadline;
    /**
     * Once connected, one timer for both deadlines, the keep-alive (no packet for the idle limit) and the token's
     * exp + skew: it is set for the nearer one and set again when it fires early. One scheduled task a held
     * connection instead of two and a handler, which a young collection no longer copies (docs/performance.md).
     */
    private ScheduledFuture<?> sessionTimer;
    private long idleNanos;
    private long closeAtNanos;
    private long lastPacketNanos;

    DeviceChannel(Bridge bridge) {
        this.bridge = bridge;
        this.report = new ConnectionReport(bridge.clock().instant());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Channel ch = ctx.channel();
        remote = (InetSocketAddress) ch.remoteAddress();
        report.accepted(remote, (InetSocketAddress) ch.localAddress());
        DeviceChannel displaced = bridge.waitingRoom().admit(remote.getAddress(), this);
        waiting = true;
        if (displaced != null) {
            bridge.busy(remote);
            displaced.ctx.executor().execute(displaced::evict);
        }
        connectDeadline = ctx.executor().schedule(this::connectDeadline, bridge.settings().connectTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    int progress() {
        return progress;
    }

    /** The first bytes arrived (the TLS stage is reading a ClientHello). */
    void firstBytes() {
        if (progress == 0) {
            progress = 1;
        }
    }

    private void leaveWaitingRoom() {
        if (waiting) {
            waiting = false;
            bridge.waitingRoom().leave(remote.getAddress(), this);
        }
    }

    /** The room was full and this, the oldest waiting connection of the busiest address, gives its place up. */
    private void evict() {
        waiting = false;
        if (session.phase() != Session.Phase.AWAITING_CONNECT || closing) {
            return;
        }
        report.finding(tlsDone ? "mqtt" : "tls", Finding.error("broker.busy", "the bridge had "
                + bridge.settings().maxConnecting() + " connections waiting for their CONNECT (--max-connecting) and"
                + " closed this one, the oldest waiting one of the address holding the most", "send CONNECT at once"
                + " after the TLS handshake; on the bridge, raise --max-connecting"));
        closeNow();
    }

    private void connectDeadline() {
        if (closing || session.phase() != Session.Phase.AWAITING_CONNECT) {
            return;
        }
        if (!tlsDone) {
            TlsStage.markTimedOut(ctx.channel());
            closeNow();
            return;
        }
        apply(bridge.policy().onTimer(session, DevicePolicy.Timer.CONNECT_DEADLINE, bridge.clock().instant(),
                bridge.settings().connectTimeout(), address()));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeObservation o) {
            tlsDone = true;
            progress = 2;
            String sni = o.hello() == null ? null : o.hello().sni();
            if (o.ok()) {
                // the tls step is made when a report is, from what the handshake observed; when no report is
                // wanted, nothing of the handshake is kept for the connection's life
                report.tls(bridge.wantsReports() ? () -> DeviceTlsReport.step(o, bridge.tls().server()) : null, sni);
                session = Session.fresh(sni);
            } else {
                StepResult tls = DeviceTlsReport.step(o, bridge.tls().server());
                report.tls(() -> tls, sni);
                Finding f = tls.findings().stream().filter(Finding::isError).findFirst().orElse(null);
                if (f != null) {
                    // a connection that closes before its first byte is a port check more often than a device
                    String kind = o.firstBytes() == HandshakeObservation.FirstBytes.NONE && !o.timedOut()
                            ? "closed" : "failed";
                    bridge.event(kind, address(), f.code(), f.message() + (f.hint() == null ? "" : "; fix: "
                            + f.hint()));
                }
                closeNow();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m) || draining || closing) {
            if (draining) {
                report.drained();
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        lastPacketNanos = System.nanoTime();
        Packet p;
        try {
            p = MqttPackets.of(m);
        } finally {
            ReferenceCountUtil.release(m);
        }
        inRead = true;
        try {
            Instant now = bridge.clock().instant();
            if (p instanceof Packet.PingReq && session.phase() == Session.Phase.CONNECTED) {
                bridge.store().heartbeat(session.device(), now);
            }
            apply(bridge.policy().onPacket(session, p, now));
        } finally {
            inRead = false;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS failures arrive as the handshake observation; a reset or a broken pipe ends the connection
        if (tlsDone && !closing && !draining) {
            report.ended(cause instanceof IOException ? "the connection failed: " + dev.iotjwt.Messages.cause(cause)
                    : "error: " + dev.iotjwt.Messages.cause(cause));
        }
        closeNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        leaveWaitingRoom();
        cancel(connectDeadline);
        cancel(sessionTimer);
        if (session.device() != null) {
            bridge.store().disconnect(session.device(), this);
        }
        for (String attached : session.attached().keySet()) {
            bridge.store().detach(attached, this);
        }
        if (!closing && !draining) {
            apply(bridge.policy().onClosed(session));
        }
        if (bridge.wantsReports()) {
            bridge.finished(report.diagnosis(session));
        }
        super.channelInactive(ctx);
    }

    /** Applies one decision of the policy, in order. */
    private void apply(DevicePolicy.Decision d) {
        session = d.session();
        Instant now = bridge.clock().instant();
        for (Action a : d.actions()) {
            if (a instanceof Action.Send s) {
                ctx.write(MqttPackets.of(s.packet()));
                wrote = true;
                if (s.packet() instanceof dev.iotjwt.broker.policy.Outbound.Publish p && session.device() != null
                        && p.topic().endsWith("/config")) {
                    bridge.store().configSent(session.device(), now);
                }
            } else if (a instanceof Action.Fact f) {
                if (bridge.wantsReports()) {
                    report.fact(f.step(), f.key(), f.value());
                }
            } else if (a instanceof Action.Event e) {
                if (e.finding() != null) {
                    report.finding(e.step(), e.finding());
                    if (e.finding().isError() && session.device() != null) {
                        bridge.store().error(session.device(), now, new DeviceStore.ErrorStatus(
                                e.finding().code().startsWith("jwt.") ? 16 : 9, "mqtt: " + e.finding().message()));
                    }
                } else if (e.kind().equals("disconnected")) {
                    report.ended(e.detail());
                }
                bridge.event(e.kind(), e.who(), e.finding() == null ? null : e.finding().code(), e.detail());
            } else if (a instanceof Action.Accept acc) {
                accept(acc, now);
            } else if (a instanceof Action.Received r) {
                received(r, now);
            } else if (a instanceof Action.Attachment at) {
                if (at.attached()) {
                    bridge.store().attach(at.device(), this);
                    bridge.store().accessedThrough(at.device(), session.device(), now);
                } else {
                    bridge.store().detach(at.device(), this);
                }
            } else if (a instanceof Action.ConfigAcked c) {
                bridge.store().configAcked(c.device(), c.version(), now);
            } else if (a instanceof Action.Close c) {
                if (c.drain()) {
                    drainAndClose();
                } else {
                    closeNow();
                }
                return;
            }
        }
        if (wrote && !inRead) {
            wrote = false;
            ctx.flush();
        }
    }

    private void accept(Action.Accept a, Instant now) {
        leaveWaitingRoom();
        cancel(connectDeadline);
        // a cancelled task is out of the event loop's queue, but the field would keep it for the connection's life
        connectDeadline = null;
        report.device(a.device());
        DeviceChannel older = bridge.store().connect(a.device(), this);
        if (older != null) {
            older.ctx.executor().execute(older::takenOver);
        }
        long start = System.nanoTime();
        lastPacketNanos = start;
        idleNanos = a.idleLimit().toNanos();
        closeAtNanos = start + Math.max(0, Duration.between(now, a.closeAt()).toNanos());
        armSessionTimer(start);
    }

    private void armSessionTimer(long nowNanos) {
        long next = Math.min(lastPacketNanos + idleNanos, closeAtNanos);
        sessionTimer = ctx.executor().schedule(this::sessionTimer, Math.max(0, next - nowNanos), TimeUnit.NANOSECONDS);
    }

    private void sessionTimer() {
        sessionTimer = null;
        if (closing || draining || !ctx.channel().isActive()) {
            return;
        }
        long t = System.nanoTime();
        DevicePolicy.Timer which;
        if (t - closeAtNanos >= 0) {
            which = DevicePolicy.Timer.TOKEN_EXPIRED;
        } else if (t - lastPacketNanos >= idleNanos) {
            which = DevicePolicy.Timer.KEEPALIVE;
            lastPacketNanos = t;
        } else {
            armSessionTimer(t);
            return;
        }
        apply(bridge.policy().onTimer(session, which, bridge.clock().instant(), bridge.settings().connectTimeout(),
                address()));
        if (!closing && !draining && ctx.channel().isActive()) {
            armSessionTimer(System.nanoTime());
        }
    }

    private void takenOver() {
        if (!closing && !draining) {
            apply(bridge.policy().onTakeover(session));
        }
    }

    private void received(Action.Received r, Instant now) {
        report.published(r.state(), r.payload().length);
        if (r.state()) {
            bridge.store().state(r.device(), now, r.payload());
        } else {
            bridge.store().event(r.device(), now);
        }
        String text = utf8(r.payload());
        bridge.message(new BrokerListener.Message(now, r.device(), r.topic(), r.qos(), text,
                text == null ? Base64.getEncoder().encodeToString(r.payload()) : null));
    }

    /** A command from the bridge's caller; true when it reached the device's socket. Runs on the event loop. */
    boolean command(String device, String subfolder, byte[] payload) {
        DevicePolicy.Decision d = bridge.policy().onCommand(session, device, subfolder, payload);
        if (d.actions().isEmpty()) {
            return false;
        }
        apply(d);
        return true;
    }

    /** The device was deleted or blocked through the API: the connection is closed. Runs on the event loop. */
    void removed(boolean blocked) {
        if (!closing && !draining) {
            apply(bridge.policy().onRemoved(session, blocked));
        }
    }

    /** The device's config changed. Runs on the event loop. */
    void config(String device, dev.iotjwt.broker.policy.BridgeView.DeviceConfig config) {
        apply(bridge.policy().onConfig(session, device, config));
    }

    Channel channel() {
        return ctx.channel();
    }

    /**
     * After a refusal: flush it, send TLS close_notify and a TCP FIN, and read and discard what the device still
     * sends for a short bounded time, so a device with packets already on the wire reads its CONNACK rather than a
     * reset.
     */
    private void drainAndClose() {
        draining = true;
        Channel ch = ctx.channel();
        ctx.flush();
        wrote = false;
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        Runnable fin = () -> {
            if (ch instanceof DuplexChannel duplex && ch.isActive()) {
                duplex.shutdownOutput();
            }
        };
        if (ssl != null) {
            ssl.closeOutbound().addListener(f -> fin.run());
        } else {
            fin.run();
        }
        ctx.executor().schedule(() -> {
            ch.close();
        }, DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void closeNow() {
        if (closing) {
            return;
        }
        closing = true;
        if (wrote) {
            wrote = false;
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> ctx.channel().close());
        } else {
            ctx.channel().close();
        }
    }

    private String address() {
        return remote == null ? "-" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
