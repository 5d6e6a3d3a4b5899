package io.commucat.ccp.client.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP/1.1 exchange, a request and its response, on one {@link H1Socket}; as a {@link
 * ConnectStream} a {@code /connect} whose chunked request body stays open for upstream bytes
 * while the chunked response streams down (ccp-1.md §1). Its socket carries nothing else meanwhile.
 *
 * <p>When it ends, its socket is handed back to the {@link H1Connection} ({@link Release}): kept
 * for another request only after a REST call whose request went out whole and whose response
 * ended with keep-alive; a {@code /connect} socket is always closed (its upstream may not have
 * ended, and nothing else can follow a body that never ended).
 *
 * <p>Threading: the {@link ConnectStream} methods may be called from any thread; the rest runs
 * on the socket's event loop.
 */
final class H1Exchange extends SocketStream {

    private static final System.Logger LOG = System.getLogger(H1Exchange.class.getName());

    /** Takes a socket back once its exchange is over. Event loop. */
    interface Release {
        void release(H1Socket socket, boolean reusable);
    }

    private final H1Socket socket;
    private final StreamListener listener;
    /** A {@code /connect}: the request body is written by the caller, piece by piece. */
    private final boolean streaming;
    private final Release release;
    private final AtomicBoolean upstreamEnded = new AtomicBoolean();

    // Event loop only:
    private boolean headReceived;
    /** A 1xx response is being skipped (its end, then the real head, follow). */
    private boolean informational;
    private boolean keepAlive;
    private boolean requestWritten;
    private boolean downstreamEnded;

    private H1Exchange(H1Socket socket, StreamListener listener, boolean streaming, Release release) {
        super(socket.channel());
        this.socket = socket;
        this.listener = listener;
        this.streaming = streaming;
        this.release = release;
    }

    /** The head of a {@code POST /connect} with a chunked body (the body follows with {@link #write}). */
    static HttpRequest connectHead(String authority) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/connect");
        head.headers().set(HttpHeaderNames.HOST, authority)
                .set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        HttpUtil.setTransferEncodingChunked(head, true);
        return head;
    }

    /**
     * A whole request, with {@code content-length} when it has a body or a method that expects one.
     *
     * @throws IllegalArgumentException for a method or header that HTTP/1.1 cannot carry
     */
    static FullHttpRequest fullRequest(String authority, String method, String path, Map<String, String> headers,
            byte[] body) {
        HttpMethod m = HttpMethod.valueOf(method);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, m, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, authority);
        headers.forEach((name, value) -> request.headers().set(name, value));
        if (body.length > 0 || !(m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.DELETE))) {
            HttpUtil.setContentLength(request, body.length);
        }
        return request;
    }

    /**
     * Sends {@code head} on {@code socket} (free, event loop) and completes {@code opened} with the
     * stream once it is written.
     */
    static void openStream(H1Socket socket, HttpRequest head, StreamListener listener, Release release,
            CompletableFuture<ConnectStream> opened) {
        H1Exchange exchange = new H1Exchange(socket, listener, true, release);
        socket.carry(exchange);
        exchange.channel.writeAndFlush(head).addListener(written -> {
            if (written.isSuccess()) {
                opened.complete(exchange);
            } else {
                opened.completeExceptionally(written.cause());
                exchange.channel.close();
            }
        });
    }

    /** Sends {@code request} whole on {@code socket} (free, event loop); the response goes to {@code listener}. */
    static void send(H1Socket socket, FullHttpRequest request, StreamListener listener, Release release) {
        H1Exchange exchange = new H1Exchange(socket, listener, false, release);
        exchange.upstreamEnded.set(true);
        socket.carry(exchange);
        exchange.channel.writeAndFlush(request).addListener(written -> {
            if (written.isSuccess()) {
                exchange.requestWritten = true;
            } else {
                exchange.channel.close();
            }
        });
    }

    // ---- ConnectStream, any thread ----

    @Override
    public CompletableFuture<Void> write(byte[] bytes, boolean endStream) {
        boolean ended = endStream ? upstreamEnded.getAndSet(true) : upstreamEnded.get();
        if (ended) {
            return CompletableFuture.failedFuture(new IllegalStateException("the request body has ended"));
        }
        ByteBuf content = Unpooled.wrappedBuffer(bytes);
        return Futures.of(channel.writeAndFlush(endStream ? new DefaultLastHttpContent(content)
                : new DefaultHttpContent(content)));
    }

    /** The last chunk; ending an ended body again does nothing. */
    @Override
    public CompletableFuture<Void> endUpstream() {
        if (upstreamEnded.getAndSet(true)) {
            return CompletableFuture.completedFuture(null);
        }
        return Futures.of(channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    // ---- from the H1Socket, event loop ----

    void onMessage(Object msg) {
        if (finished) {
            return;
        }
        try {
            if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
                LOG.log(System.Logger.Level.DEBUG, "undecodable HTTP/1.1 response; closing", object.decoderResult().cause());
                channel.close();
                return;
            }
            if (msg instanceof HttpResponse response) {
                if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    informational = true;
                } else if (!headReceived) {
                    headReceived = true;
                    keepAlive = HttpUtil.isKeepAlive(response);
                    listener.onResponseHead(response.status().code(), toMap(response.headers()));
                }
            }
            if (msg instanceof HttpContent content) {
                if (informational) {
                    informational = !(content instanceof LastHttpContent);
                    return;
                }
                if (content.content().isReadable()) {
                    listener.onData(ByteBufUtil.getBytes(content.content()));
                }
                if (content instanceof LastHttpContent) {
                    downstreamEnded = true;
                    listener.onDownstreamEnd();
                    finish(StreamClosure.Kind.COMPLETED);
                }
            }
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    void onWritabilityChanged(boolean writable) {
        if (!finished) {
            try {
                listener.onWritabilityChanged(writable);
            } catch (RuntimeException e) {
                listenerFailed(e);
            }
        }
    }

    void onSocketClosed() {
        finish(downstreamEnded ? StreamClosure.Kind.COMPLETED
                : cancelled ? StreamClosure.Kind.CANCELLED : StreamClosure.Kind.CONNECTION_LOST);
    }

    private void listenerFailed(RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "stream listener failed; cancelling the stream", e);
        cancelled = true;
        channel.close();
    }

    private void finish(StreamClosure.Kind kind) {
        if (finished) {
            return;
        }
        finished = true;
        boolean reusable = kind == StreamClosure.Kind.COMPLETED && !streaming && keepAlive && requestWritten
                && !cancelled && channel.isActive();
        socket.free();
        release.release(socket, reusable);
        try {
            listener.onClosed(new StreamClosure(kind, 0));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream listener failed in onClosed", e);
        }
    }

    private static Map<String, String> toMap(HttpHeaders headers) {
        Map<String, String> map = new LinkedHashMap<>();
        headers.forEach(h -> map.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b));
        return map;
    }

    @Override
    public String toString() {
        return "H1Exchange[" + channel.remoteAddress() + (finished ? ", ended" : "") + "]";
    }
}
