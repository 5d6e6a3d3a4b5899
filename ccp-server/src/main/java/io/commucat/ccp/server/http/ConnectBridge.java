package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.connect.Downstream;
import io.commucat.ccp.server.http.rest.Problem;
import io.commucat.ccp.server.http.rest.RestResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol-neutral half of a streaming {@code /connect} exchange (binary, SSE, or long-poll
 * without resume): feeds upstream bytes to the {@link ConnectStream} and turns its
 * {@link Downstream} calls into response body writes in the mode's {@link DownstreamEncoding}
 * (ccp-1.md §1.2), with the mode's keepalive whenever nothing was written for the keepalive
 * interval (one timer per stream, re-armed only when it fires). Upstream comes from the request
 * body or, with {@code upstream=1}, from companion POSTs ({@link UpstreamSequencer}); the request
 * body is then read and dropped.
 *
 * <p>Back-pressure is pull-based both ways. Downstream, the bridge counts the bytes written but
 * not yet taken by the network (HTTP/2 flow control or TCP holds them): the reader's unread
 * bytes. {@link #room()} tells the stream how much the reader's window still takes, and
 * {@link ConnectStream#onReady()} follows once a reader that had none drained half the window;
 * so a device coming back to a large backlog gets it at the pace it reads, never cut for being
 * behind. Upstream, the transport reads with autoRead off and the bridge asks for the next
 * chunk only while the reader has taken all but one window beyond its own (the answers a
 * device's frames cause, Acks and Errors, cannot pile up either) and while the stream
 * {@linkplain ConnectStream#wantsUpstream() takes upstream} (its frames waiting for storage are
 * below the mark; it calls {@link #resumeUpstream()} once they drained). A peer that does not
 * read, or sends faster than storage takes its frames, stops being read; its upload then stalls
 * on HTTP/2 flow control or TCP. With a companion upstream the held POSTs wait instead: each is
 * answered once its bytes went to the stream ({@link UpstreamSequencer}).
 *
 * <p>A reader that leaves bytes unread and takes none of them for the stall timeout is cut off:
 * that, and never the amount unread, is what ends a slow session. A hard cap far above what a
 * paced stream can reach guards against a producer that ignores {@link #room()}.
 *
 * <p>Threading: event loop of the exchange only (write listeners run there too; companion POSTs
 * are handed over to it, {@link UpstreamEndpoint}).
 */
final class ConnectBridge implements Downstream, ConnectDriver, OpenConnect, UpstreamTarget {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectBridge.class);
    /** Beyond the windows: the largest frame's records (16 MiB plus Noise overhead), with room to spare. */
    static final long LARGEST_WRITE = 17L * 1024 * 1024;

    private final ConnectTransport transport;
    private final ServerContext context;
    private final DownstreamEncoding encoding;
    /** Companion upstream (ccp-1.md §1.3), or {@code null} when upstream is the request body. */
    private final UpstreamSequencer companion;
    private String token;

    private ConnectStream stream;
    private boolean registered;
    private boolean upstreamEnded;
    private boolean downstreamClosed;
    private boolean transportClosed;
    /** Written, not yet taken by the network. */
    private long unreadBytes;
    /** Whether the stream found no room and waits for {@link ConnectStream#onReady()}. */
    private boolean awaitingReady;
    /** When the reader last took bytes (or, when it had nothing unread, when the first write went out). */
    private long lastProgressNanos;
    private ScheduledFuture<?> stallCheck;
    /** When the last body bytes went out (a frame or a keepalive). */
    private long lastWriteNanos;
    private ScheduledFuture<?> keepalive;

    /** A binary exchange whose upstream is the request body. */
    ConnectBridge(ConnectTransport transport, ServerContext context) {
        this(transport, context, DownstreamEncoding.BINARY, false);
    }

    /** @param companion upstream from {@code POST /connect/{token}} (ccp-1.md §1.3), not from the request body */
    ConnectBridge(ConnectTransport transport, ServerContext context, DownstreamEncoding encoding, boolean companion) {
        this.transport = transport;
        this.context = context;
        this.encoding = encoding;
        if (companion) {
            ServerConfig.Browser browser = context.downstream().browser();
            this.companion = new UpstreamSequencer(new UpstreamSequencer.Sink() {
                @Override
                public boolean ready() {
                    return takesUpstream();
                }

                @Override
                public void deliver(byte[] bytes) {
                    stream.onBytes(bytes, 0, bytes.length);
                }
            }, browser.upstreamHeldBytes(), browser.upstreamMaxAhead());
        } else {
            this.companion = null;
        }
    }

    /** Writes the preamble (and the companion token), opens the stream and asks for upstream. The response head is out. */
    @Override
    public void start() {
        registered = true;
        context.metrics().connectOpened();
        context.openConnects().add(this);
        lastWriteNanos = System.nanoTime();
        byte[] preamble = encoding.preamble();
        if (preamble != null) {
            transport.send(Unpooled.wrappedBuffer(preamble));
        }
        if (companion != null) {
            token = context.upstreamTokens().register(this);
            transport.send(Unpooled.wrappedBuffer(encoding.upstreamToken(token)));
        }
        armKeepalive(context.keepaliveInterval().toNanos());
        stream = context.connectHandler().open(this, transport.eventLoop(), transport.remoteAddress());
        requestMoreIfReady();
    }

    @Override
    public EventLoop eventLoop() {
        return transport.eventLoop();
    }

    @Override
    public void onUpstream(ByteBuf content) {
        if (transportClosed || downstreamClosed || upstreamEnded) {
            return;
        }
        int length = content.readableBytes();
        if (length > 0 && companion == null) {
            byte[] bytes = ByteBufUtil.getBytes(content);
            stream.onBytes(bytes, 0, length);
        }
        requestMoreIfReady();
    }

    @Override
    public void onUpstreamEnd() {
        if (upstreamEnded) {
            return;
        }
        upstreamEnded = true;
        // With a companion the request body (a GET's empty one) is not the session's upstream.
        if (!transportClosed && !downstreamClosed && companion == null) {
            stream.onUpstreamEnd();
        }
    }

    @Override
    public void offer(long sequence, byte[] bytes, CompletableFuture<RestResponse> answer) {
        if (companion == null) {
            answer.complete(Problem.of(404, "no live connection has this token"));
            return;
        }
        companion.offer(sequence, bytes, answer);
    }

    @Override
    public void onWritable() {
        requestMoreIfReady();
        if (companion != null) {
            companion.drain();
        }
    }

    @Override
    public void resumeUpstream() {
        requestMoreIfReady();
        if (companion != null && !transportClosed && !downstreamClosed) {
            companion.drain();
        }
    }

    @Override
    public void onTransportClosed() {
        if (transportClosed) {
            return;
        }
        transportClosed = true;
        release();
        if (!downstreamClosed && stream != null) {
            stream.onTransportClosed();
        }
    }

    @Override
    public void shutdown() {
        if (!transportClosed && !downstreamClosed) {
            transport.goingAway();
            stream.shutdown();
        }
    }

    @Override
    public void write(Frame frame, byte[] wireBytes) {
        if (transportClosed || downstreamClosed) {
            return;
        }
        int length = wireBytes.length;
        if (unreadBytes + length > 2 * window() + LARGEST_WRITE) {
            // Unreachable for a stream that asks room() and is read only while the reader keeps up.
            LOG.warn("{}: {} bytes unread, past any paced stream's reach; cutting the stream",
                    transport.remoteAddress(), unreadBytes);
            cut();
            return;
        }
        send(encoding.encode(frame, wireBytes));
    }

    /** Body bytes out, counted as unread until the network took them. */
    private ChannelFuture send(byte[] bytes) {
        int length = bytes.length;
        if (unreadBytes == 0) {
            lastProgressNanos = System.nanoTime();
            armStallCheck(stallNanos());
        }
        unreadBytes += length;
        lastWriteNanos = System.nanoTime();
        ChannelFuture sent = transport.send(Unpooled.wrappedBuffer(bytes));
        sent.addListener(f -> taken(length));
        return sent;
    }

    /** §1.2: a keepalive whenever nothing was written for the interval; §4.3: a failed one ends the session. */
    private void armKeepalive(long delayNanos) {
        if (encoding.keepalive() == null) {
            return;
        }
        keepalive = transport.eventLoop().schedule(this::keepaliveDue, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void keepaliveDue() {
        keepalive = null;
        if (transportClosed || downstreamClosed) {
            return;
        }
        long interval = context.keepaliveInterval().toNanos();
        long idle = System.nanoTime() - lastWriteNanos;
        if (idle < interval) {
            armKeepalive(interval - idle);
            return;
        }
        send(encoding.keepalive()).addListener(f -> {
            if (!f.isSuccess()) {
                onTransportClosed();
            }
        });
        armKeepalive(interval);
    }

    @Override
    public long room() {
        long room = window() - unreadBytes;
        if (room <= 0) {
            awaitingReady = true;
        }
        return room;
    }

    @Override
    public void close() {
        if (transportClosed || downstreamClosed) {
            return;
        }
        downstreamClosed = true;
        release();
        transport.end(upstreamEnded);
    }

    /** A write left the process (or failed with the exchange): the reader took those bytes. */
    private void taken(int length) {
        unreadBytes -= length;
        lastProgressNanos = System.nanoTime();
        if (transportClosed || downstreamClosed) {
            return;
        }
        if (awaitingReady && unreadBytes <= window() / 2) {
            awaitingReady = false;
            stream.onReady();
        }
        requestMoreIfReady();
        if (companion != null && !transportClosed && !downstreamClosed) {
            companion.drain();
        }
    }

    /** One timer per stream, armed only while bytes are unread. */
    private void armStallCheck(long delayNanos) {
        if (stallCheck == null) {
            stallCheck = transport.eventLoop().schedule(this::checkStall, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void checkStall() {
        stallCheck = null;
        if (transportClosed || downstreamClosed || unreadBytes == 0) {
            return;
        }
        long idle = System.nanoTime() - lastProgressNanos;
        if (idle < stallNanos()) {
            armStallCheck(stallNanos() - idle);
            return;
        }
        LOG.info("{}: reader took nothing of {} unread bytes for {} s, cutting the stream", transport.remoteAddress(),
                unreadBytes, TimeUnit.NANOSECONDS.toSeconds(idle));
        context.metrics().connectionClosed("stalled_reader");
        cut();
    }

    /** Read from the shared context, not kept per stream: idle sessions stay small. */
    private long window() {
        return context.downstream().windowBytes();
    }

    private long stallNanos() {
        return context.downstream().stallTimeout().toNanos();
    }

    private void cut() {
        transportClosed = true;
        release();
        transport.abort();
        // Not from inside the stream's own write call: it may still be using its state.
        transport.eventLoop().execute(stream::onReaderStalled);
    }

    /** Upstream is read while the reader keeps up (at most one window beyond its own is unread) and storage too. */
    private void requestMoreIfReady() {
        if (!upstreamEnded && !transportClosed && !downstreamClosed && (companion != null || takesUpstream())) {
            transport.requestUpstream(); // a companion's request body is read and dropped
        }
    }

    private boolean takesUpstream() {
        return !transportClosed && !downstreamClosed && unreadBytes < 2 * window() && transport.isWritable()
                && stream != null && stream.wantsUpstream();
    }

    private void release() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        if (keepalive != null) {
            keepalive.cancel(false);
            keepalive = null;
        }
        if (companion != null) {
            if (token != null) {
                context.upstreamTokens().remove(token, this);
            }
            companion.close();
        }
        if (registered) {
            registered = false;
            context.metrics().connectClosed();
            context.openConnects().remove(this);
        }
    }
}
