package io.commucat.ccp.server.http;

import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestEndpoint;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.commucat.ccp.server.http.rest.Router;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves an HTTP/1.1 connection one request at a time, pulling one decoded message at a time
 * ({@link #pull()}): the next request is taken only when the previous response is out, a REST
 * body chunk by chunk up to the limit, a {@code /connect} body as fast as its
 * {@link ConnectBridge} pulls. The channel runs with autoRead off and a socket read is issued
 * only when no decoded message is waiting, so the inbox never holds more than one read's worth.
 * (Netty's {@code FlowControlHandler} would do this, but 4.2.18's lost the request that arrived
 * in the same read as the end of the TLS handshake.) Event loop only.
 *
 * <p>Deadlines ({@link Http1Deadlines}): a head within the header deadline, a REST body within
 * the body deadline (else 408 and close), the next request within the idle deadline; a
 * {@code /connect} body has none. A message the codec could not parse (bad request line, header
 * too large, bad chunk size) is answered 400 where a response can still go out, and the
 * connection is closed either way: the codec discards everything after it.
 */
final class Http1Dispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Dispatcher.class);

    private final ServerContext context;
    private final Http1Deadlines deadlines;
    private ChannelHandlerContext ctx;
    private boolean busy;
    private boolean draining;
    private RequestHead head;
    private RequestPlan plan;
    private BodyBuffer body;
    private Http1ConnectExchange connect;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>();
    private boolean wanted;
    private boolean delivering;

    Http1Dispatcher(ServerContext context, Http1Deadlines deadlines) {
        this.context = context;
        this.deadlines = deadlines;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setAutoRead(false);
        Draining.register(ctx.channel(), this::drain);
        deadlines.awaitFirstRequest();
        pull();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbox.add(msg);
        deliver();
    }

    /** Asks for the next message: from the inbox if one is waiting, else from the socket. */
    void pull() {
        wanted = true;
        deliver();
        if (wanted && inbox.isEmpty()) {
            ctx.read();
        }
    }

    private void deliver() {
        if (delivering) {
            return; // pull() from inside handle(): the loop below continues
        }
        delivering = true;
        try {
            while (wanted && !inbox.isEmpty()) {
                wanted = false;
                handle(inbox.poll());
            }
        } finally {
            delivering = false;
        }
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpObject message && message.decoderResult().isFailure()) {
                malformed(message);
                return;
            }
            if (msg instanceof HttpRequest request) {
                onRequest(request);
            }
            if (msg instanceof HttpContent content) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        if (busy) {
            // Cannot happen while we read one message at a time; never serve two at once.
            ctx.close();
            return;
        }
        busy = true;
        deadlines.awaitNothing();
        head = RequestHead.of(request, ctx.channel().remoteAddress(), context.admission().proxies());
        plan = RequestPlan.of(context, head);
        if (plan instanceof RequestPlan.Refuse r) {
            // The body is not read (a /connect one never ends): the connection cannot be reused.
            write(plan.route(), r.response(), true);
            return;
        }
        if (plan instanceof RequestPlan.Connect c) {
            connect = new Http1ConnectExchange(ctx, context, plan.route(), head.remoteAddress(), this::pull,
                    this::connectEnded, c.mode(), c.drivers());
            connect.start();
            return;
        }
        if (plan instanceof RequestPlan.WebSocket) {
            RestResponse refusal = WebSocketUpgrade.refusal(request);
            if (refusal != null) {
                write(plan.route(), refusal, true);
            } else {
                // This dispatcher stays busy until the upgrade replaces it.
                WebSocketUpgrade.upgradeHttp1(ctx, request, context, plan.route(), head.remoteAddress());
            }
            return;
        }
        if (plan instanceof RequestPlan.Respond r && r.response().status() == 413) {
            // The body is not read, so the connection cannot be reused.
            write(plan.route(), r.response(), true);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(ResponseHeads.h1Continue());
        }
        body = new BodyBuffer(context.limits().maxRequestBody());
        deadlines.awaitBody(this::bodyTimedOut);
        if (!(request instanceof HttpContent)) {
            pull();
        }
    }

    private void onContent(HttpContent content) {
        if (connect != null) {
            connect.onContent(content);
            return;
        }
        if (body == null) {
            return;
        }
        if (!body.append(content.content())) {
            body = null;
            write(plan.route(), Problem.payloadTooLarge(context.limits().maxRequestBody()), true);
        } else if (content instanceof LastHttpContent) {
            byte[] bytes = body.toByteArray();
            body = null;
            deadlines.awaitNothing();
            dispatch(bytes);
        } else {
            pull();
        }
    }

    /** The body deadline passed (see {@link Http1Deadlines}). */
    private void bodyTimedOut() {
        if (body != null) {
            body = null;
            write(plan.route(), Problem.requestTimeout(context.timeouts().body().toMillis()), true);
        }
    }

    /**
     * The codec marked {@code message} as failed and now discards the rest of the connection:
     * answer 400 unless a response is already under way, and close.
     */
    private void malformed(HttpObject message) {
        context.metrics().connectionClosed("protocol_error");
        LOG.debug("{}: malformed HTTP/1.1 request ({}), closing", ctx.channel().remoteAddress(),
                message.decoderResult().cause().getClass().getSimpleName());
        deadlines.awaitNothing();
        boolean responding = connect != null || (busy && body == null);
        if (responding) {
            // A /connect response is streaming, or a response is already on its way.
            ctx.close();
            return;
        }
        busy = true;
        body = null;
        write(plan == null ? Router.UNMATCHED : plan.route(), Problem.of(400, "malformed HTTP request"), true);
    }

    private void dispatch(byte[] bytes) {
        if (plan instanceof RequestPlan.Respond r) {
            write(plan.route(), r.response(), false);
            return;
        }
        String route = plan.route();
        RequestPlan.Call call = (RequestPlan.Call) plan;
        RestEndpoint.invoke(call.endpoint(), call.request(head, bytes)).thenAccept(response -> {
            if (ctx.executor().inEventLoop()) {
                write(route, response, false);
            } else {
                ctx.executor().execute(() -> write(route, response, false));
            }
        });
    }

    private void write(String route, RestResponse response, boolean close) {
        context.metrics().request(route, response.status());
        boolean closeAfter = close || draining;
        ctx.writeAndFlush(ResponseHeads.h1(response, closeAfter)).addListener(f -> {
            if (closeAfter || !f.isSuccess()) {
                ctx.close();
            } else {
                next();
            }
        });
    }

    /** Called once the /connect response's last chunk is out. */
    private void connectEnded(boolean upstreamEnded) {
        if (!upstreamEnded) {
            // The rest of the request body would be read as the next request: the connection is done.
            ctx.close();
        } else {
            next();
        }
    }

    private void next() {
        busy = false;
        head = null;
        plan = null;
        connect = null;
        if (draining) {
            ctx.close();
        } else {
            deadlines.awaitNextRequest();
            pull();
        }
    }

    private void drain() {
        draining = true;
        if (!busy) {
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (connect != null && ctx.channel().isWritable()) {
            connect.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** A WebSocket upgrade replaced this dispatcher: what it still held (the GET's end) is dropped. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        inbox.forEach(ReferenceCountUtil::release);
        inbox.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inbox.forEach(ReferenceCountUtil::release);
        inbox.clear();
        if (connect != null) {
            connect.onInactive();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP/1.1 connection {} failed", ctx.channel(), cause);
        ctx.close();
    }
}
