package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * First handler of every HTTP/2 stream: reads the request HEADERS, plans the exchange and
 * replaces itself with the handler that serves it ({@link Http2ConnectHandler} or
 * {@link Http2RestHandler}). Event loop only; one instance per stream.
 */
final class Http2StreamRouter extends ChannelInboundHandlerAdapter {

    private final ServerContext context;

    Http2StreamRouter(ServerContext context) {
        this.context = context;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame headers)) {
            // Nothing but HEADERS can open a stream; the codec already rejects the rest.
            ReferenceCountUtil.release(msg);
            return;
        }
        RequestHead head = RequestHead.of(headers.headers(), ctx.channel().parent().remoteAddress(),
                context.admission().proxies());
        RequestPlan plan = RequestPlan.of(context, head);
        if (plan instanceof RequestPlan.Connect c) {
            ctx.pipeline().replace(this, "connect", new Http2ConnectHandler(context, plan.route(), head.remoteAddress(),
                    headers.isEndStream(), c.mode(), c.drivers()));
        } else if (plan instanceof RequestPlan.WebSocket && head.extendedConnect() && !headers.isEndStream()) {
            WebSocketUpgrade.acceptHttp2(ctx, context, plan.route(), head.remoteAddress());
        } else if (plan instanceof RequestPlan.WebSocket) {
            RequestPlan refused = new RequestPlan.Respond(plan.route(),
                    Problem.of(400, "WebSocket /connect over HTTP/2 is an extended CONNECT with :protocol websocket (RFC 8441)"));
            ctx.pipeline().replace(this, "rest", new Http2RestHandler(context, head, refused, headers.isEndStream()));
        } else {
            ctx.pipeline().replace(this, "rest", new Http2RestHandler(context, head, plan, headers.isEndStream()));
        }
    }
}
