package dev.iotjwt.bench;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslHandler;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One simulated device for the load bench: a connection on the bench's shared event loops speaking just enough MQTT
 * 3.1.1 (CONNECT, PUBLISH QoS 1, PINGREQ, DISCONNECT). It holds a connection without a thread of its own, so ten
 * thousand devices fit in one process; the callers wait for its answers ({@link #connect}, {@link #publish},
 * {@link #alive}) from their own threads.
 */
final class BenchClient extends SimpleChannelInboundHandler<MqttMessage> {
    private final CompletableFuture<Integer> connack = new CompletableFuture<>();
    private final Duration timeout;
    private volatile Channel channel;
    private volatile boolean tcpUp;
    private volatile boolean tlsUp;
    private volatile CompletableFuture<Void> puback;
    private volatile int awaitedPacketId;
    private volatile CompletableFuture<Void> pingresp;
    private int packetId;

    private BenchClient(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * TCP, TLS (SNI, chain and host name verified) and CONNECT with keep-alive 0 (a held connection sends nothing),
     * all within {@code timeout}; returns the CONNACK code (0 accepted). Blocks the calling thread only.
     */
    static Connected connect(BenchNetwork network, String clientId, String username, String password,
                             Duration timeout) throws IOException, InterruptedException {
        BenchClient c = new BenchClient(timeout);
        io.netty.channel.ChannelFuture opened = network.connect(c);
        c.channel = opened.channel();
        opened.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                c.fail(f.cause() instanceof io.netty.channel.ConnectTimeoutException ? "tcp.timeout"
                        : f.cause() instanceof java.net.ConnectException ? "tcp.refused"
                        : BenchFailures.networkCode(f.cause(), timeout), f.cause());
                return;
            }
            c.tcpUp = true;
            SslHandler ssl = f.channel().pipeline().get(SslHandler.class);
            ssl.handshakeFuture().addListener(h -> {
                if (!h.isSuccess()) {
                    c.fail(BenchFailures.networkCode(h.cause(), timeout), h.cause());
                    f.channel().close();
                    return;
                }
                c.tlsUp = true;
                f.channel().writeAndFlush(MqttMessageBuilders.connect()
                        .protocolVersion(MqttVersion.MQTT_3_1_1)
                        .clientId(clientId)
                        .username(username)
                        .password(password.getBytes(StandardCharsets.UTF_8))
                        .cleanSession(true)
                        .keepAlive(0)
                        .build());
            });
        });
        try {
            int code = c.connack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Connected(c, code);
        } catch (TimeoutException e) {
            c.channel.close();
            String code = !c.tcpUp ? "tcp.timeout" : !c.tlsUp ? "tls.timeout" : "mqtt.timeout";
            throw new Failure(code, new SocketTimeoutException(code + " after " + timeout.toMillis() + " ms"));
        } catch (ExecutionException e) {
            c.channel.close();
            throw e.getCause() instanceof Failure f ? f : new Failure("mqtt.closed", new IOException(e.getCause()));
        }
    }

    private void fail(String code, Throwable cause) {
        connack.completeExceptionally(new Failure(code, cause instanceof IOException io ? io : new IOException(cause)));
    }

    /** A connection that failed, with the finding code (DESIGN.md's contract, as {@code connect} names it). */
    static final class Failure extends IOException {
        private final String code;

        Failure(String code, IOException cause) {
            super(code, cause);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    /** A connection and the broker's answer to its CONNECT. */
    record Connected(BenchClient client, int connack) {
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage m) {
        if (m.decoderResult().isFailure()) {
            fail("mqtt.malformed-connack", m.decoderResult().cause());
            ctx.close();
            return;
        }
        MqttMessageType type = m.fixedHeader().messageType();
        if (!connack.isDone()) {
            if (m instanceof MqttConnAckMessage a) {
                connack.complete(a.variableHeader().connectReturnCode().byteValue() & 0xff);
            } else {
                fail("mqtt.malformed-connack", new IOException("not a CONNACK: packet type " + type.value()));
                ctx.close();
            }
            return;
        }
        if (type == MqttMessageType.PUBACK && m.variableHeader() instanceof MqttMessageIdVariableHeader id) {
            CompletableFuture<Void> p = puback;
            if (p != null && id.messageId() == awaitedPacketId) {
                p.complete(null);
            }
        } else if (type == MqttMessageType.PINGRESP) {
            CompletableFuture<Void> p = pingresp;
            if (p != null) {
                p.complete(null);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // a handshake that failed was named by its listener first (the TLS stage runs before this one)
        fail(tlsUp ? "mqtt.closed" : "tls.closed", new IOException("the connection was closed"));
        IOException closed = new IOException("the connection was closed");
        CompletableFuture<Void> p = puback;
        if (p != null) {
            p.completeExceptionally(closed);
        }
        CompletableFuture<Void> q = pingresp;
        if (q != null) {
            q.completeExceptionally(closed);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!tlsUp) {
            fail(BenchFailures.networkCode(cause, timeout), cause);
        }
        ctx.close();
    }

    /** PINGREQ → PINGRESP within the timeout: whether the broker still holds this connection. */
    boolean alive() throws InterruptedException {
        CompletableFuture<Void> p = new CompletableFuture<>();
        pingresp = p;
        channel.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGREQ, false,
                MqttQoS.AT_MOST_ONCE, false, 0)));
        try {
            p.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** PUBLISH with QoS 1 and waits for its PUBACK; one message in flight at a time. */
    void publish(String topic, byte[] payload) throws IOException, InterruptedException {
        packetId = packetId % 65535 + 1;
        CompletableFuture<Void> p = new CompletableFuture<>();
        awaitedPacketId = packetId;
        puback = p;
        channel.writeAndFlush(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(packetId).payload(Unpooled.wrappedBuffer(payload)).build());
        try {
            p.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("no PUBACK within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    /** DISCONNECT, then close. */
    void close() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            ch.writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false,
                    MqttQoS.AT_MOST_ONCE, false, 0))).addListener(ChannelFutureListener.CLOSE);
        } else if (ch != null) {
            ch.close();
        }
    }
}
