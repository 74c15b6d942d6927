package dev.iotjwt.broker.tls;

import dev.iotjwt.Messages;
import dev.iotjwt.broker.tls.HandshakeObservation.FirstBytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The front of a device connection's pipeline, in front of the MQTT codec: reads the first bytes, parses the
 * ClientHello, lets the caller choose the server context for it (or refuse it with an alert), replaces itself with
 * that context's {@link SslHandler}, and fires exactly one {@link HandshakeObservation} down the pipeline when the
 * handshake ends: success, failure, first bytes that are not TLS, a refusal, a deadline, or the channel closing.
 *
 * <p>One instance per channel. The whole handshake, from channelActive, has one deadline ({@code handshakeTimeout});
 * the {@code SslHandler}'s own timeout is switched off so that a stalled device is always reported as timed out.
 * While the {@code SslHandler} works, a read-only {@link TlsRecordWatch} in front of it notes the device's record
 * headers: a TLS 1.3 device that rejects the certificate (an encrypted alert) and one that just closes look the same
 * to either TLS engine.
 */
public final class TlsStage extends SslClientHelloHandler<TlsStage.Choice> {
    /** How many first bytes the observation quotes. */
    public static final int SAMPLE_BYTES = 40;
    /** How many records after the ClientHello are noted. */
    public static final int MAX_RECORDS = 32;

    private static final AttributeKey<Boolean> TIMED_OUT = AttributeKey.valueOf(TlsStage.class, "timedOut");
    private static final String WATCH_NAME = "tls-records";

    /** What to do with a ClientHello. */
    public sealed interface Choice permits Use, Refuse {
    }

    /**
     * Handshake with this context.
     *
     * @param context the server context
     * @param served  what it serves, for the report: the SNI matched, "placeholder", "default"
     */
    public record Use(SslContext context, String served) implements Choice {
        public Use {
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * Refuse with a fatal plaintext alert and close.
     *
     * @param alert the alert description (112 unrecognized_name)
     */
    public record Refuse(int alert) implements Choice {
    }

    private final Function<ClientHello, Choice> chooser;
    private final long timeoutMillis;

    private long startNanos;
    private ScheduledFuture<?> deadline;
    private byte[] sample = new byte[0];
    private ClientHello hello;
    private Throwable parseFailure;
    private boolean decided;
    private boolean fired;

    /**
     * @param chooser          picks the context for a parsed hello; it gets null when the hello was TLS but could not
     *                         be parsed (the TLS engine then reports the problem itself)
     * @param handshakeTimeout the deadline for the first bytes and the whole handshake; zero or negative: none
     */
    public TlsStage(Function<ClientHello, Choice> chooser, Duration handshakeTimeout) {
        this.chooser = Objects.requireNonNull(chooser, "chooser");
        this.timeoutMillis = handshakeTimeout.toMillis();
    }

    /** Marks the channel as closed for a deadline: call before closing it so the observation says timed out. */
    public static void markTimedOut(Channel ch) {
        ch.attr(TIMED_OUT).set(Boolean.TRUE);
    }

    /** Whether {@link #markTimedOut(Channel)} was called for the channel. */
    public static boolean timedOut(Channel ch) {
        return Boolean.TRUE.equals(ch.attr(TIMED_OUT).get());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (startNanos != 0) {
            return;
        }
        startNanos = System.nanoTime();
        if (timeoutMillis > 0) {
            Channel ch = ctx.channel();
            deadline = ctx.executor().schedule(() -> {
                if (!fired) {
                    markTimedOut(ch);
                    ch.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (decided) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (sample.length < SAMPLE_BYTES && in.readableBytes() > sample.length) {
            sample = new byte[Math.min(SAMPLE_BYTES, in.readableBytes())];
            in.getBytes(in.readerIndex(), sample);
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<Choice> lookup(ChannelHandlerContext ctx, ByteBuf hello) {
        if (hello == null || fired) {
            return ctx.executor().newSucceededFuture(null);
        }
        ClientHello parsed;
        try {
            parsed = ClientHello.parse(hello);
        } catch (ClientHello.FormatException e) {
            parsed = null;
            parseFailure = e;
        }
        this.hello = parsed;
        try {
            return ctx.executor().newSucceededFuture(chooser.apply(parsed));
        } catch (RuntimeException e) {
            return ctx.executor().newFailedFuture(e);
        }
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, Future<Choice> future) {
        if (fired || decided) {
            return;
        }
        decided = true;
        if (!future.isSuccess()) {
            fire(ctx, observation(classify(), false, null, null, null, future.cause(), false, List.of(), 0, false,
                    0));
            ctx.close();
            return;
        }
        Choice choice = future.getNow();
        if (choice == null) {
            FirstBytes kind = classify();
            Throwable why = kind == FirstBytes.TLS
                    ? new ClientHello.FormatException("the first TLS record is not a ClientHello") : null;
            fire(ctx, observation(kind, false, null, null, null, why, false, List.of(), 0, false, 0));
            ctx.close();
        } else if (choice instanceof Refuse refuse) {
            ByteBuf alert = Unpooled.wrappedBuffer(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02,
                    (byte) refuse.alert()});
            fire(ctx, observation(FirstBytes.TLS, false, null, null, null, null, false, List.of(), alert.readableBytes(),
                    true, refuse.alert()));
            ctx.writeAndFlush(alert).addListener(ChannelFutureListener.CLOSE);
        } else if (choice instanceof Use use) {
            handshake(ctx, use);
        }
    }

    private void handshake(ChannelHandlerContext ctx, Use use) {
        SslHandler ssl = use.context().newHandler(ctx.alloc());
        ssl.setHandshakeTimeoutMillis(0);
        TlsRecordWatch watch = new TlsRecordWatch();
        String name = ctx.name();
        ctx.pipeline().addBefore(name, WATCH_NAME, watch);
        ctx.pipeline().replace(this, name, ssl);
        ChannelHandlerContext sslCtx = ctx.pipeline().context(ssl);
        ssl.handshakeFuture().addListener(f -> {
            if (ctx.pipeline().get(WATCH_NAME) == watch) {
                ctx.pipeline().remove(watch);
            }
            HandshakeObservation o;
            if (f.isSuccess()) {
                String protocol = ssl.engine().getSession().getProtocol();
                String suite = TlsNames.ianaSuite(ssl.engine().getSession().getCipherSuite());
                o = observation(FirstBytes.TLS, true, protocol, suite, use.served(), null, false, watch.records(),
                        watch.bytesWritten(), false, 0);
            } else {
                Throwable cause = f.cause();
                o = observation(FirstBytes.TLS, false, null, null, use.served(), cause,
                        cause instanceof SslHandshakeTimeoutException, watch.records(), watch.bytesWritten(), false, 0);
            }
            if (sslCtx.isRemoved()) {
                fireFrom(ctx.channel(), o);
            } else {
                fire(sslCtx, o);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!fired && !decided) {
            decided = true;
            FirstBytes kind = classify();
            Throwable why = kind == FirstBytes.TLS
                    ? new ClientHello.FormatException("closed before the ClientHello was complete") : null;
            fire(ctx, observation(kind, false, null, null, null, why, false, List.of(), 0, false, 0));
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (!decided && deadline != null) {
            deadline.cancel(false);
        }
        super.handlerRemoved0(ctx);
    }

    private HandshakeObservation observation(FirstBytes kind, boolean ok, String protocol, String suite, String served,
                                             Throwable failure, boolean engineTimedOut,
                                             List<HandshakeObservation.RecordSeen> records, long bytesToDevice,
                                             boolean refused, int alert) {
        return new HandshakeObservation(kind, sampleText(), hello, ok, protocol, suite, served,
                failure == null && hello == null && kind == FirstBytes.TLS ? parseFailure : failure,
                engineTimedOut, records, bytesToDevice, refused, alert,
                startNanos == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private void fire(ChannelHandlerContext ctx, HandshakeObservation o) {
        if (fired) {
            return;
        }
        fired = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireUserEventTriggered(withTimeout(ctx.channel(), o));
    }

    private void fireFrom(Channel ch, HandshakeObservation o) {
        if (fired) {
            return;
        }
        fired = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        ch.pipeline().fireUserEventTriggered(withTimeout(ch, o));
    }

    private static HandshakeObservation withTimeout(Channel ch, HandshakeObservation o) {
        if (o.timedOut() || !timedOut(ch)) {
            return o;
        }
        return new HandshakeObservation(o.firstBytes(), o.firstBytesSample(), o.hello(), o.ok(), o.protocol(),
                o.cipherSuite(), o.served(), o.failure(), true, o.recordsAfterHello(), o.bytesToDevice(),
                o.refusedSni(), o.refusalAlert(), o.millis());
    }

    private FirstBytes classify() {
        return classify(sample);
    }

    /** What the first bytes of a connection are. */
    static FirstBytes classify(byte[] first) {
        if (first.length == 0) {
            return FirstBytes.NONE;
        }
        int b0 = first[0] & 0xff;
        if (b0 >= 20 && b0 <= 23 && (first.length < 2 || first[1] == 3)) {
            return FirstBytes.TLS;
        }
        if (b0 == 0x10) {
            return FirstBytes.MQTT;
        }
        String head = new String(first, 0, Math.min(first.length, 8), StandardCharsets.ISO_8859_1);
        for (String method : List.of("GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PATCH ",
                "TRACE ", "PRI * ")) {
            if (head.startsWith(method)) {
                return FirstBytes.HTTP;
            }
        }
        return FirstBytes.OTHER;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private String sampleText() {
        StringBuilder sb = new StringBuilder(sample.length * 4);
        for (byte b : sample) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return Messages.printable(sb.toString());
    }
}
