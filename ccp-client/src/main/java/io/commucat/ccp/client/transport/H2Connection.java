package io.commucat.ccp.client.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One TLS 1.3 + HTTP/2 connection to a CCP server, carrying any number of concurrent streams
 * (up to the server's SETTINGS_MAX_CONCURRENT_STREAMS): {@code /connect} sessions and REST
 * calls. Made by {@link H2Transport#connect()}.
 *
 * <p>Thread-safe. All streams of a connection share its event loop: their listeners run there,
 * one callback at a time. Closing the connection closes its streams (each reports {@link
 * StreamClosure.Kind#CONNECTION_LOST} unless it had completed).
 */
public final class H2Connection implements AutoCloseable {

    /** Largest body {@link #request} collects. */
    public static final int MAX_RESPONSE_BODY = 4 * 1024 * 1024;

    private final Channel channel;
    private final ConnectionEvents events;
    private final String authority;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    H2Connection(Channel channel, ConnectionEvents events, String authority) {
        this.channel = channel;
        this.events = events;
        this.authority = authority;
        channel.closeFuture().addListener(f -> closed.complete(null));
    }

    /**
     * Opens a binary {@code /connect} stream: {@code POST /connect}, content type
     * {@code application/octet-stream}, request body left open for upstream bytes.
     */
    public CompletableFuture<ConnectStream> openConnect(StreamListener listener) {
        return openStream("POST", "/connect", Map.of("content-type", "application/octet-stream"), false, listener);
    }

    /**
     * Opens a stream and sends its request HEADERS.
     *
     * @param extraHeaders lower-case names, sent after the pseudo-headers
     * @param endStream whether the request has no body (END_STREAM on the HEADERS frame)
     */
    public CompletableFuture<ConnectStream> openStream(String method, String path, Map<String, String> extraHeaders,
            boolean endStream, StreamListener listener) {
        CompletableFuture<ConnectStream> result = new CompletableFuture<>();
        StreamHandler handler = new StreamHandler(listener);
        new Http2StreamChannelBootstrap(channel).handler(handler).open().addListener(opened -> {
            if (!opened.isSuccess()) {
                result.completeExceptionally(opened.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme("https")
                    .authority(authority);
            extraHeaders.forEach((name, value) -> headers.add(name, value));
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).addListener(written -> {
                if (written.isSuccess()) {
                    result.complete(new ConnectStream(stream));
                } else {
                    result.completeExceptionally(written.cause());
                    stream.close();
                }
            });
        });
        return result;
    }

    /** A request without a body, its whole response collected (at most {@value #MAX_RESPONSE_BODY} bytes). */
    public CompletableFuture<H2Response> request(String method, String path) {
        return request(method, path, Map.of());
    }

    /** A request without a body and with extra headers (e.g. {@code authorization}), its whole response collected. */
    public CompletableFuture<H2Response> request(String method, String path, Map<String, String> headers) {
        ResponseCollector collector = new ResponseCollector(MAX_RESPONSE_BODY);
        openStream(method, path, headers, true, collector)
                .whenComplete((stream, error) -> {
                    if (error != null) {
                        collector.result.completeExceptionally(error);
                    }
                });
        return collector.result;
    }

    /**
     * A request with a body (sent whole, then END_STREAM) and extra headers (e.g.
     * {@code content-type}, {@code authorization}), its whole response collected. An empty body
     * sends no DATA frame.
     */
    public CompletableFuture<H2Response> request(String method, String path, Map<String, String> headers, byte[] body) {
        if (body.length == 0) {
            return request(method, path, headers);
        }
        ResponseCollector collector = new ResponseCollector(MAX_RESPONSE_BODY);
        openStream(method, path, headers, false, collector).whenComplete((stream, error) -> {
            if (error != null) {
                collector.result.completeExceptionally(error);
            } else {
                stream.write(body, true);
            }
        });
        return collector.result;
    }

    /** {@code GET path}, collected. */
    public CompletableFuture<H2Response> get(String path) {
        return request("GET", path);
    }

    /** Whether the connection is open. */
    public boolean isActive() {
        return channel.isActive();
    }

    /**
     * Sends an HTTP/2 PING; completes when the server acknowledges it, or fails when the
     * connection closes first. A dead link is one whose PING stays unanswered (ccp-1.md §4.3).
     */
    public CompletableFuture<Void> ping() {
        long[] content = new long[1];
        CompletableFuture<Void> acked = events.expectPingAck(content);
        channel.writeAndFlush(new DefaultHttp2PingFrame(content[0])).addListener(written -> {
            if (!written.isSuccess()) {
                events.pings.remove(content[0]);
                acked.completeExceptionally(written.cause());
            }
        });
        return acked;
    }

    /** PING frames the server sent (answered unless {@link H2Transport.Builder#autoAckPings} is off). */
    public int pingsReceived() {
        return events.pingsReceived.get();
    }

    /** The error code of the server's GOAWAY, or -1 if none came. */
    public long goAwayErrorCode() {
        return events.goAwayErrorCode.get();
    }

    /** The loop where this connection and its streams' listeners run. */
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** Completes when the connection is closed, by either side. */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Closes the connection at once (no GOAWAY wait); its streams are closed. */
    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "H2Connection[" + channel.remoteAddress() + (channel.isActive() ? "" : ", closed") + "]";
    }
}
