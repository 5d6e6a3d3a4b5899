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
 * calls. Made by {@link ClientTransport#connect()} when ALPN chose {@code h2}, or by {@link
 * H2Transport#connect()}. Besides the {@link ClientConnection} methods it offers HTTP/2 details
 * for tools and tests: any request as a stream ({@link #openStream}), the server's PINGs and its
 * GOAWAY.
 *
 * <p>Thread-safe. All streams of a connection share its event loop: their listeners run there,
 * one callback at a time. Closing the connection closes its streams (each reports {@link
 * StreamClosure.Kind#CONNECTION_LOST} unless it had completed).
 */
public final class H2Connection implements ClientConnection {

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

    @Override
    public Protocol protocol() {
        return Protocol.HTTP_2;
    }

    @Override
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
                    result.complete(new H2Stream(stream));
                } else {
                    result.completeExceptionally(written.cause());
                    stream.close();
                }
            });
        });
        return result;
    }

    /** A request without a body and with extra headers (e.g. {@code authorization}): END_STREAM on its HEADERS. */
    @Override
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

    /** The body goes in one DATA frame with END_STREAM (an empty body sends none). */
    @Override
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

    /** Whether the connection is open. */
    @Override
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

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
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
