package io.commucat.ccp.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake, installs the codecs for the protocol ALPN chose ({@code h2}, else
 * HTTP/1.1, also for a client that offered no ALPN) and removes itself. Event loop only.
 */
final class ProtocolNegotiator extends ApplicationProtocolNegotiationHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolNegotiator.class);
    /** HTTP/1.1 request line limit; the header limit is {@code max_header_list_size}. */
    static final int MAX_INITIAL_LINE = 8192;
    static final int MAX_CHUNK = 16 * 1024;
    /** Flushes the consolidation lets pass unflushed while reading, before it flushes anyway. */
    static final int FLUSHES_BEFORE_FORCED_FLUSH = 256;

    private final ServerContext context;

    ProtocolNegotiator(ServerContext context) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.context = context;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // autoRead is off from the start (CcpChannelInitializer): the first read fetches the
        // ClientHello; the TLS handler asks for the rest of its handshake itself.
        ctx.read();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
            context.metrics().tlsHandshake(ServerTls.resumption(ctx.pipeline().get(SslHandler.class).engine()));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) throws Exception {
        ChannelPipeline pipeline = ctx.pipeline();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            // Between TLS and HTTP/2: the frames a loop task writes (a batch's Acks, deliveries to
            // the streams of one connection) leave in one TLS flush instead of one per frame.
            pipeline.addLast("flush", new FlushConsolidationHandler(FLUSHES_BEFORE_FORCED_FLUSH, true));
            Http2Deadlines deadlines = new Http2Deadlines(context.timeouts(), context.metrics());
            pipeline.addLast("deadlines", deadlines);
            Http2FrameCodec codec = Http2Codecs.server(context.limits(), context.drainTimeout());
            pipeline.addLast("h2", codec);
            pipeline.addLast("hsts", Hsts.h2(context.hsts()));
            Http2Codecs.growConnectionWindow(codec, context.limits().connectionWindowSize());
            pipeline.addLast("liveness", new Http2Liveness(context.keepaliveInterval()));
            pipeline.addLast("streams", new Http2MultiplexHandler(new StreamInitializer(context, deadlines)));
            // Closing through the codec sends GOAWAY and waits for open streams (up to the drain timeout).
            Draining.register(ctx.channel(), ctx.channel()::close);
            ctx.channel().config().setAutoRead(true);
            return;
        }
        if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
            Http1Deadlines deadlines = new Http1Deadlines(context.timeouts(), context.metrics());
            pipeline.addLast("deadlines", deadlines);
            pipeline.addLast("http1", new HttpServerCodec(MAX_INITIAL_LINE, context.limits().maxHeaderListSize(), MAX_CHUNK));
            pipeline.addLast("hsts", Hsts.h1(context.hsts()));
            pipeline.addLast("keepalive", new HttpServerKeepAliveHandler());
            pipeline.addLast("dispatch", new Http1Dispatcher(context, deadlines));
            return;
        }
        throw new IllegalStateException("unexpected ALPN protocol: " + protocol);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        // Scanners and old clients (TLS 1.2) end here all day: not worth a warning each.
        LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Per HTTP/2 stream: counts it (metrics, idle deadline) and starts it with a {@link Http2StreamRouter}. */
    private static final class StreamInitializer extends ChannelInitializer<Http2StreamChannel> {
        private final ServerContext context;
        private final Http2Deadlines deadlines;

        StreamInitializer(ServerContext context, Http2Deadlines deadlines) {
            this.context = context;
            this.deadlines = deadlines;
        }

        @Override
        protected void initChannel(Http2StreamChannel ch) {
            context.metrics().streamOpened();
            deadlines.streamOpened();
            ch.closeFuture().addListener(f -> {
                context.metrics().streamClosed();
                deadlines.streamClosed();
            });
            ch.pipeline().addLast(new Http2StreamRouter(context));
        }
    }
}
