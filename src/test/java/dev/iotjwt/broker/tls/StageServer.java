package dev.iotjwt.broker.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A tiny Netty server on 127.0.0.1: each channel gets the bridge's {@link TlsStage} and a collector of its
 * {@link HandshakeObservation}s. When a channel closes, the number of observations it got is recorded, so tests
 * can check there was exactly one.
 */
final class StageServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<HandshakeObservation> observations = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> perChannel = new LinkedBlockingQueue<>();
    private final Channel server;

    StageServer(BridgeTls tls, Duration handshakeTimeout) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("tls", tls.newStage(handshakeTimeout));
                        ch.pipeline().addLast("collect", new Collector());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The next observation, waiting up to 10 s. */
    HandshakeObservation next() throws InterruptedException {
        HandshakeObservation o = observations.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no handshake observation within 10 s");
        }
        return o;
    }

    /** How many observations the next closed channel got, waiting up to 10 s. */
    int observationsOfClosedChannel() throws InterruptedException {
        Integer n = perChannel.poll(10, TimeUnit.SECONDS);
        if (n == null) {
            throw new AssertionError("no channel closed within 10 s");
        }
        return n;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Collector extends ChannelInboundHandlerAdapter {
        private int seen;

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof HandshakeObservation o) {
                seen++;
                observations.add(o);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            perChannel.add(seen);
            ctx.fireChannelInactive();
        }
    }
}
