package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.connect.ConnectStream;
import io.commucat.ccp.server.connect.Downstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol-neutral half of a binary {@code /connect} exchange: feeds request body bytes to
 * the {@link ConnectStream} and turns its {@link Downstream} calls into response body writes.
 *
 * <p>Back-pressure is pull-based both ways. Downstream, the bridge counts the bytes written but
 * not yet taken by the network (HTTP/2 flow control or TCP holds them): the reader's unread
 * bytes. {@link #room()} tells the stream how much the reader's window still takes, and
 * {@link ConnectStream#onReady()} follows once a reader that had none drained half the window;
 * so a device coming back to a large backlog gets it at the pace it reads, never cut for being
 * behind. Upstream, the transport reads with autoRead off and the bridge asks for the next
 * chunk only while the reader has taken all but one window beyond its own: the answers a
 * device's frames cause (Acks, Errors) cannot pile up either. A peer that does not read stops
 * being read; its upload then stalls on HTTP/2 flow control or TCP.
 *
 * <p>A reader that leaves bytes unread and takes none of them for the stall timeout is cut off:
 * that, and never the amount unread, is what ends a slow session. A hard cap far above what a
 * paced stream can reach guards against a producer that ignores {@link #room()}.
 *
 * <p>Threading: event loop of the exchange only (write listeners run there too).
 */
final class ConnectBridge implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectBridge.class);
    /** Beyond the windows: the largest frame's records (16 MiB plus Noise overhead), with room to spare. */
    static final long LARGEST_WRITE = 17L * 1024 * 1024;

    private final ConnectTransport transport;
    private final ServerContext context;

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

    ConnectBridge(ConnectTransport transport, ServerContext context) {
        this.transport = transport;
        this.context = context;
    }

    /** Opens the stream and asks for the first upstream bytes. The response head is already out. */
    void start() {
        registered = true;
        context.metrics().connectOpened();
        context.openConnects().add(this);
        stream = context.connectHandler().open(this, transport.eventLoop(), transport.remoteAddress());
        requestMoreIfReady();
    }

    EventLoop eventLoop() {
        return transport.eventLoop();
    }

    /** A piece of the request body; the caller keeps ownership of {@code content}. */
    void onUpstream(ByteBuf content) {
        if (transportClosed || downstreamClosed || upstreamEnded) {
            return;
        }
        int length = content.readableBytes();
        if (length > 0) {
            byte[] bytes = ByteBufUtil.getBytes(content);
            stream.onBytes(bytes, 0, length);
        }
        requestMoreIfReady();
    }

    void onUpstreamEnd() {
        if (upstreamEnded) {
            return;
        }
        upstreamEnded = true;
        if (!transportClosed && !downstreamClosed) {
            stream.onUpstreamEnd();
        }
    }

    /** The transport's own buffer drained (channel writability); reading may go on. */
    void onWritable() {
        requestMoreIfReady();
    }

    /** The exchange is gone (reset, connection closed). Idempotent. */
    void onTransportClosed() {
        if (transportClosed) {
            return;
        }
        transportClosed = true;
        release();
        if (!downstreamClosed && stream != null) {
            stream.onTransportClosed();
        }
    }

    /** Server shutdown: the stream says goodbye and closes its downstream. */
    void shutdown() {
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
        if (unreadBytes == 0) {
            lastProgressNanos = System.nanoTime();
            armStallCheck(stallNanos());
        }
        unreadBytes += length;
        transport.send(Unpooled.wrappedBuffer(wireBytes)).addListener(f -> taken(length));
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
        transport.eventLoop().execute(stream::onTransportClosed);
    }

    /** Upstream is read while the reader keeps up: at most one window beyond its own is unread. */
    private void requestMoreIfReady() {
        if (!transportClosed && !downstreamClosed && !upstreamEnded && unreadBytes < 2 * window()
                && transport.isWritable()) {
            transport.requestUpstream();
        }
    }

    private void release() {
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        if (registered) {
            registered = false;
            context.metrics().connectClosed();
            context.openConnects().remove(this);
        }
    }
}
