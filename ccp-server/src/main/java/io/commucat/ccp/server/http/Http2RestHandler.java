package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One REST request on an HTTP/2 stream: collects the body up to the limit (413 beyond), calls
 * the endpoint and writes its response. Body bytes that arrive after an early answer are
 * dropped; their flow-control credit still goes back. Event loop only; the endpoint's future
 * may complete elsewhere, the write hops back here. A body not complete within the body deadline
 * is answered 408 (unless answered already) and the stream reset with {@code NO_ERROR}.
 */
final class Http2RestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http2RestHandler.class);

    private final ServerContext context;
    private final RequestHead head;
    private final RequestPlan plan;
    private final boolean endAtHeaders;
    private final BodyBuffer body;
    private boolean answered;
    private ScheduledFuture<?> bodyDeadline;

    Http2RestHandler(ServerContext context, RequestHead head, RequestPlan plan, boolean endAtHeaders) {
        this.context = context;
        this.head = head;
        this.plan = plan;
        this.endAtHeaders = endAtHeaders;
        this.body = new BodyBuffer(context.limits().maxRequestBody());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (!endAtHeaders) {
            bodyDeadline = ctx.executor().schedule(() -> bodyTimedOut(ctx), context.timeouts().body().toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        if (plan instanceof RequestPlan.Respond r) {
            respond(ctx, r.response());
        } else if (plan instanceof RequestPlan.Refuse r) {
            answered = true;
            context.metrics().request(plan.route(), r.response().status());
            // Closing a stream the client has not ended resets it (CANCEL): nothing more is read.
            ctx.write(new DefaultHttp2HeadersFrame(ResponseHeads.h2(r.response()), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(r.response().body()), true))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (endAtHeaders) {
            call(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if ((msg instanceof Http2DataFrame data && data.isEndStream())
                    || (msg instanceof Http2HeadersFrame trailers && trailers.isEndStream())) {
                cancelBodyDeadline();
            }
            if (answered) {
                return;
            }
            if (msg instanceof Http2DataFrame data) {
                if (!body.append(data.content())) {
                    respond(ctx, Problem.payloadTooLarge(context.limits().maxRequestBody()));
                } else if (data.isEndStream()) {
                    call(ctx);
                }
            } else if (msg instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
                call(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelBodyDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelBodyDeadline();
        ctx.fireChannelInactive();
    }

    private void cancelBodyDeadline() {
        if (bodyDeadline != null) {
            bodyDeadline.cancel(false);
            bodyDeadline = null;
        }
    }

    /** The body trickles or stalls: answer 408 if nothing was answered yet, then end the stream. */
    private void bodyTimedOut(ChannelHandlerContext ctx) {
        bodyDeadline = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        context.metrics().connectionClosed("body_timeout");
        LOG.debug("REST stream {}: body not complete within {} ms", ctx.channel(), context.timeouts().body().toMillis());
        if (!answered) {
            respond(ctx, Problem.requestTimeout(context.timeouts().body().toMillis()));
        }
        // RFC 9113 §8.1: after a complete response, RST_STREAM(NO_ERROR) stops the client's upload.
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("REST stream {} failed", ctx.channel(), cause);
        ctx.close();
    }

    private void call(ChannelHandlerContext ctx) {
        answered = true;
        RequestPlan.Call call = (RequestPlan.Call) plan;
        RestEndpoint.invoke(call.endpoint(), call.request(head, body.toByteArray())).thenAccept(response -> {
            if (ctx.executor().inEventLoop()) {
                write(ctx, response);
            } else {
                ctx.executor().execute(() -> write(ctx, response));
            }
        });
    }

    private void respond(ChannelHandlerContext ctx, RestResponse response) {
        answered = true;
        write(ctx, response);
    }

    private void write(ChannelHandlerContext ctx, RestResponse response) {
        context.metrics().request(plan.route(), response.status());
        if (!ctx.channel().isActive()) {
            return;
        }
        boolean empty = response.body().length == 0;
        ctx.write(new DefaultHttp2HeadersFrame(ResponseHeads.h2(response), empty));
        if (!empty) {
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(response.body()), true));
        }
        ctx.flush();
    }
}
