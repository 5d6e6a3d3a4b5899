package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Binary {@code /connect} on one HTTP/2 stream of Netty's client ({@link H2Client}): DATA frames
 * both ways. Pausing turns the stream's autoRead off, so its flow-control window is not given
 * back and the server's DATA waits on the server.
 */
final class H2ConnectClient implements ConnectClient {

    private final H2Client connection;
    private final Http2StreamChannel stream;
    private final Reader reader;

    private H2ConnectClient(H2Client connection, Http2StreamChannel stream, Reader reader) {
        this.connection = connection;
        this.stream = stream;
        this.reader = reader;
    }

    /** A new connection to {@code port} with one {@code POST /connect} stream on it. */
    static H2ConnectClient open(int port) throws Exception {
        return open(port, new DefaultHttp2Headers().method("POST").path("/connect")
                .add("content-type", "application/octet-stream"), false);
    }

    /**
     * A new connection to {@code port} with one bodiless {@code GET target} stream on it (the
     * response of an SSE or long-poll {@code /connect}; the upload then goes by companion POSTs).
     */
    static H2ConnectClient get(int port, String target) throws Exception {
        return open(port, new DefaultHttp2Headers().method("GET").path(target), true);
    }

    private static H2ConnectClient open(int port, Http2Headers request, boolean endStream) throws Exception {
        H2Client connection = new H2Client(port);
        try {
            Reader reader = new Reader();
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection.channel).handler(reader).open()
                    .sync().getNow();
            Http2Headers headers = request.scheme("https").authority("127.0.0.1");
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream)).sync();
            return new H2ConnectClient(connection, stream, reader);
        } catch (Exception | Error e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public CompletableFuture<Map<String, String>> head() {
        return reader.head;
    }

    /** Returns once the DATA frame is written, which waits for the server's flow-control window. */
    @Override
    public void send(byte[] bytes) throws Exception {
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), false)).sync();
    }

    @Override
    public void endUpstream() throws Exception {
        stream.writeAndFlush(new DefaultHttp2DataFrame(true)).sync();
    }

    /** RST_STREAM(CANCEL): the stream is gone, the connection stays. */
    @Override
    public void cut() throws Exception {
        stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL)).sync();
    }

    @Override
    public void pauseReading() {
        stream.config().setAutoRead(false);
    }

    @Override
    public void resumeReading() {
        stream.config().setAutoRead(true);
    }

    @Override
    public BlockingQueue<byte[]> downstream() {
        return reader.downstream;
    }

    @Override
    public CompletableFuture<Void> ended() {
        return reader.ended;
    }

    @Override
    public void close() {
        connection.close();
    }

    /** The response as it arrives, on the client's event loop. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Map<String, String>> head = new CompletableFuture<>();
        final LinkedBlockingQueue<byte[]> downstream = new LinkedBlockingQueue<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame headers) {
                    Map<String, String> fields = new HashMap<>();
                    headers.headers().forEach(h -> fields.put(h.getKey().toString().toLowerCase(Locale.ROOT),
                            h.getValue().toString()));
                    head.complete(fields);
                    if (headers.isEndStream()) {
                        ended.complete(null);
                    }
                } else if (msg instanceof Http2DataFrame data) {
                    if (data.content().isReadable()) {
                        downstream.add(ByteBufUtil.getBytes(data.content()));
                    }
                    if (data.isEndStream()) {
                        ended.complete(null);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
