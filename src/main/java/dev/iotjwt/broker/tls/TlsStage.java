package dev.iotjwt.broker.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;

import java.time.Duration;

/** STUB until the TLS stage lands: puts the SslHandler in and reports the handshake once. */
public final class TlsStage extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> TIMED_OUT = AttributeKey.valueOf("iotjwt.tls.timed-out");
    private final SslContext context;
    private final Duration timeout;
    private long start;
    private boolean fired;

    TlsStage(SslContext context, Duration timeout) {
        this.context = context;
        this.timeout = timeout;
    }

    public static void markTimedOut(Channel ch) {
        ch.attr(TIMED_OUT).set(Boolean.TRUE);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        start = System.nanoTime();
        SslHandler ssl = context.newHandler(ctx.alloc());
        ssl.setHandshakeTimeoutMillis(timeout.toMillis());
        ctx.pipeline().addBefore(ctx.name(), "ssl", ssl);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e && !fired) {
            fired = true;
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            String sni = null;
            if (ssl != null && ssl.engine().getHandshakeSession() != null) {
                sni = null;
            }
            fire(ctx, new HandshakeObservation(new ClientHello(sni), e.isSuccess(), e.isSuccess()
                    ? ssl.engine().getSession().getProtocol() : null, e.isSuccess() ? ssl.engine().getSession()
                    .getCipherSuite() : null, e.cause(), Boolean.TRUE.equals(ctx.channel().attr(TIMED_OUT).get()),
                    (System.nanoTime() - start) / 1_000_000));
            ctx.pipeline().remove(this);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!fired) {
            fired = true;
            fire(ctx, new HandshakeObservation(null, false, null, null, null,
                    Boolean.TRUE.equals(ctx.channel().attr(TIMED_OUT).get()), (System.nanoTime() - start) / 1_000_000));
        }
        super.channelInactive(ctx);
    }

    private static void fire(ChannelHandlerContext ctx, HandshakeObservation o) {
        ctx.fireUserEventTriggered(o);
    }
}
