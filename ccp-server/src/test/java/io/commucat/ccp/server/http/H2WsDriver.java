package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * RFC 8441 over HTTP/2 with Netty's client: an extended CONNECT stream whose DATA carries the
 * frames. The stream reads only when the test asks for a frame (autoRead off), so a test that
 * does not read is a reader that fell behind.
 */
final class H2WsDriver implements WsDriver {

    private static final byte[] END = new byte[0];

    final H2Client client;
    final Http2StreamChannel channel;
    final CompletableFuture<Http2Headers> head = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final LinkedBlockingQueue<byte[]> data = new LinkedBlockingQueue<>();
    private final InputStream in = new QueueInput();
    /** How long a read waits for the next DATA frame before it fails. */
    volatile long readWaitSeconds = 10;

    H2WsDriver(int port, Map<String, String> extra) throws Exception {
        this(new H2Client(port), extra);
    }

    /** On a connection of its own, {@code client} (closed with the driver). */
    H2WsDriver(H2Client client, Map<String, String> extra) throws Exception {
        this.client = client;
        channel = new Http2StreamChannelBootstrap(client.channel).handler(new Reader()).open().sync().getNow();
        channel.config().setAutoRead(false);
        Http2Headers headers = new DefaultHttp2Headers().method("CONNECT").path("/connect").scheme("https")
                .authority("127.0.0.1");
        headers.add(Http2Headers.PseudoHeaderName.PROTOCOL.value(), "websocket");
        headers.add("sec-websocket-version", "13");
        extra.forEach(headers::add);
        channel.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).sync();
        channel.read();
    }

    /** The response status (200 for an accepted extended CONNECT). */
    String status() throws Exception {
        return head.get(10, TimeUnit.SECONDS).status().toString();
    }

    private final class Reader extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    head.complete(h.headers());
                    if (h.isEndStream()) {
                        data.add(END);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    if (d.content().isReadable()) {
                        data.add(ByteBufUtil.getBytes(d.content()));
                    }
                    if (d.isEndStream()) {
                        data.add(END);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame) {
                data.add(END);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            data.add(END);
            closed.complete(null);
            ctx.fireChannelInactive();
        }
    }

    /** The DATA payloads as one stream; a read waits for the next DATA frame (bounded). */
    private final class QueueInput extends InputStream {
        private byte[] current = new byte[0];
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (current != END && position == current.length) {
                channel.read();
                try {
                    byte[] next = data.poll(readWaitSeconds, TimeUnit.SECONDS);
                    if (next == null) {
                        throw new IOException("no DATA within " + readWaitSeconds + " s");
                    }
                    current = next;
                    position = 0;
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (current == END) {
                return -1;
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Override
    public Map<String, String> head() {
        Map<String, String> headers = new HashMap<>();
        head.join().forEach(e -> headers.put(e.getKey().toString(), e.getValue().toString()));
        return headers;
    }

    @Override
    public void send(byte[] wire) {
        channel.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(wire), false)).syncUninterruptibly();
    }

    @Override
    public WsWire.Frame next() throws IOException {
        return WsWire.read(in);
    }

    @Override
    public boolean awaitClosed() throws InterruptedException {
        try {
            while (in.read() >= 0) {
                // drain until END_STREAM or reset
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void answerClose() {
        WsDriver.super.answerClose();
        try {
            endRequest();
        } catch (Exception e) { // syncUninterruptibly rethrows a ClosedChannelException as it is
            // The stream is gone already.
        }
    }

    /** Ends the request (END_STREAM) without a Close frame. */
    void endRequest() {
        channel.writeAndFlush(new DefaultHttp2DataFrame(true)).syncUninterruptibly();
    }

    @Override
    public void close() {
        client.close();
    }
}
