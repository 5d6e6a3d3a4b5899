package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@code /connect} over HTTP/1.1 (binary, or SSE/NDJSON encoded): the chunked request body
 * goes upstream while the chunked response streams downstream, through its
 * {@link ConnectDriver}. Owned by {@link Http1Dispatcher}, which it asks for the
 * next body chunk ({@code pull}); event loop only.
 */
final class Http1ConnectExchange implements ConnectTransport {

    private final ChannelHandlerContext ctx;
    private final ServerContext context;
    private final String route;
    private final String remoteAddress;
    private final Runnable pull;
    private final Consumer<Boolean> onEnded;
    private final ConnectMode mode;
    private final Function<ConnectTransport, ConnectDriver> drivers;
    private ConnectDriver driver;

    /**
     * @param remoteAddress the client (the TCP peer, or behind a trusted proxy the forwarded address)
     * @param onEnded       told, once the last chunk is written, whether the request body had ended
     * @param drivers       what serves the exchange once the head is out (the plan's, {@link RequestPlan.Connect})
     */
    Http1ConnectExchange(ChannelHandlerContext ctx, ServerContext context, String route, String remoteAddress,
            Runnable pull, Consumer<Boolean> onEnded, ConnectMode mode, Function<ConnectTransport, ConnectDriver> drivers) {
        this.mode = mode;
        this.drivers = drivers;
        this.ctx = ctx;
        this.context = context;
        this.route = route;
        this.remoteAddress = remoteAddress;
        this.pull = pull;
        this.onEnded = onEnded;
    }

    void start() {
        context.metrics().request(route, 200);
        ctx.writeAndFlush(ResponseHeads.h1Connect(mode));
        driver = drivers.apply(this);
        driver.start();
    }

    void onContent(HttpContent content) {
        driver.onUpstream(content.content());
        if (content instanceof LastHttpContent) {
            driver.onUpstreamEnd();
        }
    }

    void onWritable() {
        driver.onWritable();
    }

    void onInactive() {
        driver.onTransportClosed();
    }

    @Override
    public EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public ChannelFuture send(ByteBuf bytes) {
        return ctx.writeAndFlush(new DefaultHttpContent(bytes));
    }

    @Override
    public void end(boolean upstreamEnded) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> onEnded.accept(upstreamEnded));
    }

    @Override
    public void abort() {
        ctx.close();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void requestUpstream() {
        pull.run();
    }
}
