package io.commucat.ccp.server.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Netty's own HTTP/2 client (Http2FrameCodec + Http2MultiplexHandler) over real TLS, for /connect tests. */
final class H2Client implements AutoCloseable {

    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("test-h2-client"), NioIoHandler.newFactory());
    final Channel channel;
    final AtomicInteger pingsAnswered = new AtomicInteger();
    final CompletableFuture<Long> goAway = new CompletableFuture<>();

    H2Client(int port) throws Exception {
        this(port, TestTls.nettyH2Client());
    }

    /** @param tls a client context offering {@code h2} (e.g. trusting a node's development CA) */
    H2Client(int port, io.netty.handler.ssl.SslContext tls) throws Exception {
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws Exception {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc(), "127.0.0.1", port));
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2PingFrame ping && !ping.ack()) {
                                    pingsAnswered.incrementAndGet();
                                } else if (msg instanceof Http2GoAwayFrame g) {
                                    goAway.complete(g.errorCode());
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                });
        channel = bootstrap.connect("127.0.0.1", port).sync().channel();
        channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
    }

    /** Opens a stream and sends the request HEADERS (no END_STREAM). */
    Stream open(String method, String path, boolean autoRead) throws Exception {
        return open(method, path, autoRead, java.util.Map.of());
    }

    /** As {@link #open(String, String, boolean)}, with more request headers (lower-case names). */
    Stream open(String method, String path, boolean autoRead, java.util.Map<String, String> extra) throws Exception {
        Stream stream = new Stream();
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(channel).handler(stream).open().sync().getNow();
        ch.config().setAutoRead(autoRead);
        stream.channel = ch;
        Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme("https")
                .authority("127.0.0.1");
        extra.forEach(headers::add);
        ch.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
        return stream;
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** One client stream: collects the response head and body. */
    static final class Stream extends ChannelInboundHandlerAdapter {
        volatile Http2StreamChannel channel;
        final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final CompletableFuture<Long> reset = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    head.complete(h.headers());
                    if (h.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    synchronized (body) {
                        body.write(ByteBufUtil.getBytes(d.content()), 0, d.content().readableBytes());
                    }
                    if (d.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2ResetFrame r) {
                    reset.complete(r.errorCode());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.complete(null);
            ctx.fireChannelInactive();
        }

        void send(byte[] bytes) {
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), false)).syncUninterruptibly();
        }

        /** Writes without waiting for the server's window. */
        void sendAsync(byte[] bytes) {
            channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), false));
        }

        void end() {
            channel.writeAndFlush(new DefaultHttp2DataFrame(true)).syncUninterruptibly();
        }

        void cancel() {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).syncUninterruptibly();
        }

        byte[] body() {
            synchronized (body) {
                return body.toByteArray();
            }
        }

        int received() {
            synchronized (body) {
                return body.size();
            }
        }

        /** Waits until at least {@code n} body bytes arrived. */
        byte[] awaitBody(int n, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (received() < n && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            return body();
        }
    }
}
