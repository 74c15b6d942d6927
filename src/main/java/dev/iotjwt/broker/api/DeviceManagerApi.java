package dev.iotjwt.broker.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.iotjwt.InputException;
import dev.iotjwt.broker.DeviceManager;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

/**
 * The Cloud IoT Core v1 device manager REST API of the bridge: plain HTTP/1.1 on the bridge's address, on its own
 * event loop (a slow request never delays a device's CONNECT), an optional bearer token checked in constant time and
 * never logged. Requests go to {@link ApiRoutes}.
 */
public final class DeviceManagerApi implements AutoCloseable {
    /** The largest request body: a 64 KiB config or 256 KiB command in base64, 500 metadata pairs, with room. */
    static final int MAX_BODY = 1 << 20;
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private final EventLoopGroup group;
    private final Channel server;

    private DeviceManagerApi(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /**
     * Serves the API on {@code bind}:{@code port} (0: any free port).
     *
     * @param token the bearer token requests must carry, or null for none
     */
    public static DeviceManagerApi start(DeviceManager devices, InetAddress bind, int port, String token)
            throws InputException {
        ApiRoutes routes = new ApiRoutes(devices);
        byte[] expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "iotjwt-api");
            t.setDaemon(true);
            return t;
        }, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(60, TimeUnit.SECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new Handler(routes, expected));
                    }
                });
        io.netty.channel.ChannelFuture bound = b.bind(new InetSocketAddress(bind, port)).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new InputException(null, "cannot serve the device manager API on " + bind.getHostAddress() + ":"
                    + port + ": " + dev.iotjwt.Messages.cause(bound.cause()), "choose another --api-port (0 picks a"
                    + " free one)", null);
        }
        return new DeviceManagerApi(group, bound.channel());
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** One HTTP connection: each request checked, routed and answered in order. */
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ApiRoutes routes;
        private final byte[] expected;

        Handler(ApiRoutes routes, byte[] expected) {
            this.routes = routes;
            this.expected = expected;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                reply(ctx, false, new ApiRoutes.Response(400, ApiJson.error(400, "INVALID_ARGUMENT",
                        "The request is not valid HTTP.")));
                return;
            }
            if (expected != null && !authorized(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                reply(ctx, keepAlive, new ApiRoutes.Response(401, ApiJson.error(401, "UNAUTHENTICATED",
                        "Request is missing required authentication credential. Expected a bearer token"
                                + " (--api-token-file of the bridge) in the Authorization header.")));
                return;
            }
            // "$alt=json;enum-encoding=int" is one parameter: a semicolon separates nothing here
            QueryStringDecoder uri = QueryStringDecoder.builder().semicolonIsNormalChar(true).build(req.uri());
            String method = req.method().name();
            // the REST transport of Google's libraries may tunnel a method through POST
            String override = req.headers().get("X-HTTP-Method-Override");
            if (override != null && method.equals("POST")) {
                method = override.toUpperCase(java.util.Locale.ROOT);
            }
            byte[] body = ByteBufUtil.getBytes(req.content());
            routes.handle(method, uri.path(), new ApiRoutes.Query(uri.parameters()), body).whenComplete((r, e) -> {
                ApiRoutes.Response out = e != null ? ApiRoutes.error(DeviceManager.Code.INTERNAL, "Internal error.")
                        : r;
                if (ctx.executor().inEventLoop()) {
                    reply(ctx, keepAlive, out);
                } else {
                    ctx.executor().execute(() -> reply(ctx, keepAlive, out));
                }
            });
        }

        private boolean authorized(String header) {
            return header != null && MessageDigest.isEqual(header.trim().getBytes(StandardCharsets.UTF_8), expected);
        }

        private static void reply(ChannelHandlerContext ctx, boolean keepAlive, ApiRoutes.Response r) {
            byte[] json = GSON.toJson(r.body()).getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(
                    r.status()), Unpooled.wrappedBuffer(json));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            HttpUtil.setContentLength(res, json.length);
            if (r.status() == 401) {
                res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"iotjwt\"");
            }
            if (keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
