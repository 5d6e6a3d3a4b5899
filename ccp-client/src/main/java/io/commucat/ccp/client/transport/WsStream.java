package io.commucat.ccp.client.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A WebSocket {@code /connect} (ccp-1.md §1.1 rule 3, §1.2) on a TLS socket of its own, HTTP/1.1
 * upgrade (RFC 6455): upstream bytes go as binary messages, the server's binary messages are the
 * downstream bytes in any chunking. The fallback for networks where a streaming HTTP body does not
 * get through (a proxy that buffers request bodies, or refuses the binary {@code /connect}).
 *
 * <p>The listener sees the upgrade's response head (status 101), or the refusal's status with
 * the connection closed after it; then {@link StreamListener#onData} per message fragment.
 * {@link #endUpstream()} sends Close (1000): the server ends the session and closes.
 * The server's Close is {@link StreamListener#onDownstreamEnd()} followed by {@link
 * StreamClosure.Kind#COMPLETED}. {@link #ping()} is a WebSocket Ping, completed by the Pong.
 * No extension is offered (permessage-deflate would compress ciphertext: no gain, memory per link).
 *
 * <p>Threading: the {@link ConnectStream} methods may be called from any thread; the rest runs
 * on the socket's event loop.
 */
final class WsStream extends SocketStream {

    private static final System.Logger LOG = System.getLogger(WsStream.class.getName());
    /** The largest message payload accepted: the server's largest write (a 16 MiB frame's records) with room. */
    static final int MAX_FRAME_PAYLOAD = 18 * 1024 * 1024;
    private static final int MAX_UPGRADE_RESPONSE = 16 * 1024;

    private final StreamListener listener;
    private final WebSocketClientHandshaker13 handshaker;
    private final AtomicBoolean upstreamEnded = new AtomicBoolean();
    /** Completed once the server answered the upgrade: nothing may be sent before its 101. */
    private final CompletableFuture<ConnectStream> opened;

    // Event loop only:
    private boolean upgraded;
    private boolean downstreamEnded;
    /** The upgrade was answered with a refusal: that response is the whole exchange. */
    private boolean refused;
    private final ArrayDeque<CompletableFuture<Void>> pings = new ArrayDeque<>();

    private WsStream(Channel channel, String authority, StreamListener listener, CompletableFuture<ConnectStream> opened) {
        super(channel);
        this.listener = listener;
        this.opened = opened;
        this.handshaker = new WebSocketClientHandshaker13(URI.create("wss://" + authority + "/connect"),
                WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), MAX_FRAME_PAYLOAD);
    }

    /**
     * Installs the HTTP/1.1 codec and the stream on {@code channel} (TLS done, event loop) and
     * sends the upgrade. {@code opened} completes once the server answered it (RFC 6455 §4.1: a
     * client sends nothing before the 101), after the listener saw the response head; for a
     * refusal with the stream already closing. It fails when the socket closes first.
     */
    static void open(Channel channel, String authority, StreamListener listener, CompletableFuture<ConnectStream> opened) {
        WsStream stream = new WsStream(channel, authority, listener, opened);
        channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_UPGRADE_RESPONSE), stream.new Inbound());
        stream.handshaker.handshake(channel).addListener(sent -> {
            if (!sent.isSuccess()) {
                opened.completeExceptionally(sent.cause());
                channel.close();
            }
        });
    }

    /** Sends a Ping; completes when a Pong comes back, fails when the socket closes first. */
    CompletableFuture<Void> ping() {
        CompletableFuture<Void> pong = new CompletableFuture<>();
        try {
            channel.eventLoop().execute(() -> {
                if (finished || !upgraded) {
                    pong.completeExceptionally(new TransportClosedException("the WebSocket is closed", null));
                    return;
                }
                pings.add(pong);
                channel.writeAndFlush(new PingWebSocketFrame());
            });
        } catch (RejectedExecutionException e) {
            pong.completeExceptionally(new TransportClosedException("the event loop has shut down", null));
        }
        return pong;
    }

    // ---- ConnectStream, any thread ----

    @Override
    public CompletableFuture<Void> write(byte[] bytes, boolean endStream) {
        if (upstreamEnded.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the upstream has ended"));
        }
        CompletableFuture<Void> written = Futures.of(channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))));
        if (endStream) {
            endUpstream();
        }
        return written;
    }

    /** Sends Close (1000); the server then ends the session and closes its side. */
    @Override
    public CompletableFuture<Void> endUpstream() {
        if (upstreamEnded.getAndSet(true)) {
            return CompletableFuture.completedFuture(null);
        }
        return Futures.of(channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)));
    }

    // ---- event loop ----

    private void read(Object msg) {
        try {
            if (finished) {
                return;
            }
            if (!upgraded && msg instanceof FullHttpResponse response) {
                onUpgradeResponse(response);
            } else if (msg instanceof WebSocketFrame frame) {
                onFrame(frame);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream listener failed; cancelling the stream", e);
            cancelled = true;
            channel.close();
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onUpgradeResponse(FullHttpResponse response) {
        listener.onResponseHead(response.status().code(), toMap(response));
        if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            // A refusal (problem+json): the listener has its status; the socket is done.
            refused = true;
            channel.close();
            opened.complete(this);
            return;
        }
        try {
            handshaker.finishHandshake(channel, response);
            upgraded = true;
            opened.complete(this);
        } catch (WebSocketHandshakeException e) {
            LOG.log(System.Logger.Level.DEBUG, "invalid WebSocket upgrade answer; closing", e);
            opened.completeExceptionally(e);
            channel.close();
        }
    }

    private void onFrame(WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            if (frame.content().isReadable()) {
                listener.onData(ByteBufUtil.getBytes(frame.content()));
            }
        } else if (frame instanceof PingWebSocketFrame) {
            channel.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof PongWebSocketFrame) {
            CompletableFuture<Void> pong = pings.poll();
            if (pong != null) {
                pong.complete(null);
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            downstreamEnded = true;
            LOG.log(System.Logger.Level.DEBUG, "server closed the WebSocket: {0}", close.statusCode());
            listener.onDownstreamEnd();
            if (!upstreamEnded.getAndSet(true)) {
                channel.writeAndFlush(new CloseWebSocketFrame(close.statusCode(), ""));
            }
            channel.close();
        } else {
            // The server sends binary messages only (ccp-1.md §1.2).
            LOG.log(System.Logger.Level.DEBUG, "unexpected WebSocket frame {0}; closing", frame.getClass().getSimpleName());
            channel.close();
        }
    }

    private void writabilityChanged(ChannelHandlerContext ctx) {
        if (!finished) {
            listener.onWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void inactive(ChannelHandlerContext ctx) {
        TransportClosedException lost = new TransportClosedException("the WebSocket closed", null);
        pings.forEach(p -> p.completeExceptionally(lost));
        pings.clear();
        opened.completeExceptionally(lost);
        if (!finished) {
            finished = true;
            StreamClosure.Kind kind = downstreamEnded || refused
                    ? StreamClosure.Kind.COMPLETED
                    : cancelled ? StreamClosure.Kind.CANCELLED : StreamClosure.Kind.CONNECTION_LOST;
            try {
                listener.onClosed(new StreamClosure(kind, 0));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stream listener failed in onClosed", e);
            }
        }
        ctx.fireChannelInactive();
    }

    /** The stream's place in its socket's pipeline (a stream is not itself a handler: it extends {@link SocketStream}). */
    private final class Inbound extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            read(msg);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "WebSocket failed", cause);
            ctx.close();
        }
    }

    private static Map<String, String> toMap(FullHttpResponse response) {
        Map<String, String> map = new LinkedHashMap<>();
        response.headers().forEach(h -> map.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
        return map;
    }

    @Override
    public String toString() {
        return "WsStream[" + channel.remoteAddress() + (finished ? ", ended" : "") + "]";
    }
}
