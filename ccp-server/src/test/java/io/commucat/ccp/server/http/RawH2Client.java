package io.commucat.ccp.server.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A deliberately rude HTTP/2 client that writes raw frames over real TLS: it ignores the
 * server's SETTINGS limits, never answers PINGs and can reset streams as fast as it likes.
 * Every frame it receives is logged to {@link #events} as text, e.g. {@code RST 9 7},
 * {@code GOAWAY 11}, {@code PING}, {@code HEADERS 1}, {@code WINDOW_UPDATE 0 983041}, {@code CLOSED}.
 */
final class RawH2Client implements AutoCloseable {

    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("test-raw-client"), NioIoHandler.newFactory());
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final Channel channel;
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private volatile ChannelHandlerContext ctx;

    RawH2Client(int port) throws Exception {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                // A small receive window: when the client stops reading, the server's writes back up
                // at once instead of disappearing into megabytes of loopback buffers.
                .option(io.netty.channel.ChannelOption.SO_RCVBUF, 16 * 1024)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) throws Exception {
                        ch.pipeline().addLast(TestTls.nettyH2Client().newHandler(ch.alloc(), "127.0.0.1", port));
                        ch.pipeline().addLast(new Frames());
                    }
                })
                .connect("127.0.0.1", port).sync().channel();
        channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
        channel.closeFuture().addListener(f -> events.add("CLOSED"));
        onLoop(() -> sendPreface(ctx));
    }

    private boolean prefaceSent;

    /**
     * The preface must be the first bytes the client sends. The server's SETTINGS can arrive
     * (and be acknowledged) before a task submitted after the TLS handshake runs, so whichever
     * comes first on the event loop sends it.
     */
    private void sendPreface(ChannelHandlerContext c) {
        if (prefaceSent) {
            return;
        }
        prefaceSent = true;
        c.write(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(c, new Http2Settings(), c.newPromise());
        c.flush();
    }

    void headers(int streamId, String method, String path, boolean endStream) {
        Http2Headers headers = new DefaultHttp2Headers().method(method).path(path).scheme("https").authority("127.0.0.1");
        onLoop(() -> {
            writer.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
            ctx.flush();
        });
    }

    /** Writes {@code bytes} as they are: frames the writer would not make (an unfinished header block). */
    void raw(byte[] bytes) {
        onLoop(() -> ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(bytes)));
    }

    void reset(int streamId) {
        onLoop(() -> {
            writer.writeRstStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.newPromise());
            ctx.flush();
        });
    }

    /** Stops or resumes reading what the server sends (its writes then back up in TCP). */
    void autoRead(boolean on) {
        onLoop(() -> channel.config().setAutoRead(on));
    }

    /** Writes {@code count} PING frames (each wants an ACK), flushing every 1 000. */
    void pings(int count) {
        for (int done = 0; done < count; done += 1000) {
            int batch = Math.min(1000, count - done);
            onLoop(() -> {
                for (int i = 0; i < batch && channel.isActive(); i++) {
                    writer.writePing(ctx, false, i, ctx.newPromise());
                }
                ctx.flush();
            });
        }
    }

    /** Writes {@code count} empty SETTINGS frames (each wants an ACK), flushing every 1 000. */
    void settings(int count) {
        for (int done = 0; done < count; done += 1000) {
            int batch = Math.min(1000, count - done);
            onLoop(() -> {
                for (int i = 0; i < batch && channel.isActive(); i++) {
                    writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
                }
                ctx.flush();
            });
        }
    }

    /** The next event starting with {@code prefix}, skipping others; null on timeout. */
    String await(String prefix, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (long left = timeoutMillis; left > 0; left = deadline - System.currentTimeMillis()) {
            String event = events.poll(left, TimeUnit.MILLISECONDS);
            if (event != null && event.startsWith(prefix)) {
                return event;
            }
        }
        return null;
    }

    private void onLoop(Runnable action) {
        channel.eventLoop().submit(action).syncUninterruptibly();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Frames extends ByteToMessageDecoder {
        private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader();
        private final Http2FrameAdapter listener = new Http2FrameAdapter() {
            @Override
            public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
                events.add("SETTINGS " + settings);
                sendPreface(c);
                writer.writeSettingsAck(c, c.newPromise());
                c.flush();
            }

            @Override
            public void onPingRead(ChannelHandlerContext c, long data) {
                events.add("PING " + data); // never answered
            }

            @Override
            public void onWindowUpdateRead(ChannelHandlerContext c, int streamId, int windowSizeIncrement) {
                events.add("WINDOW_UPDATE " + streamId + " " + windowSizeIncrement);
            }

            @Override
            public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
                events.add("RST " + streamId + " " + errorCode);
            }

            @Override
            public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
                events.add("GOAWAY " + errorCode);
            }

            @Override
            public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                    boolean endStream) {
                events.add("HEADERS " + streamId + " " + headers.status());
            }
        };

        @Override
        public void handlerAdded(ChannelHandlerContext c) {
            ctx = c;
        }

        @Override
        protected void decode(ChannelHandlerContext c, ByteBuf in, java.util.List<Object> out) throws Exception {
            reader.readFrame(c, in, listener);
        }
    }
}
