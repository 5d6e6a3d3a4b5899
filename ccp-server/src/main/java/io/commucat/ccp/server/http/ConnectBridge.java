package io.commucat.ccp.server.http;

import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.connect.Downstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol-neutral half of a binary {@code /connect} exchange: feeds request body bytes to
 * the {@link ConnectStream} and turns its {@link Downstream} calls into response body writes.
 *
 * <p>Back-pressure is pull-based: the transport reads with autoRead off, and the bridge asks for
 * the next upstream chunk only after the previous one was handed to the stream and only while
 * the response side is writable. So a peer that does not read its downstream stops being read;
 * its upload then stalls on HTTP/2 flow control (window credit goes back only for frames
 * delivered here) or on TCP. Writes the stream makes on its own (not caused by upstream bytes)
 * are bounded by {@code maxPendingBytes}: beyond it the reader is too far behind and is cut off.
 *
 * <p>Threading: event loop of the exchange only.
 */
final class ConnectBridge implements Downstream {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectBridge.class);

    private final ConnectTransport transport;
    private final ServerContext context;

    private ConnectStream stream;
    private boolean registered;
    private boolean upstreamEnded;
    private boolean downstreamClosed;
    private boolean transportClosed;
    private long pendingBytes;

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
            stream.shutdown();
        }
    }

    @Override
    public void write(Frame frame, byte[] wireBytes) {
        if (transportClosed || downstreamClosed) {
            return;
        }
        int length = wireBytes.length;
        if (pendingBytes + length > context.maxPendingDownstream()) {
            LOG.info("{}: reader too far behind ({} bytes queued), cutting the stream", transport.remoteAddress(), pendingBytes);
            transportClosed = true;
            release();
            transport.abort();
            // Not from inside the stream's own write call: it may still be using its state.
            transport.eventLoop().execute(stream::onTransportClosed);
            return;
        }
        pendingBytes += length;
        transport.send(Unpooled.wrappedBuffer(wireBytes)).addListener(f -> pendingBytes -= length);
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

    private void requestMoreIfReady() {
        if (!transportClosed && !downstreamClosed && !upstreamEnded && transport.isWritable()) {
            transport.requestUpstream();
        }
    }

    private void release() {
        if (registered) {
            registered = false;
            context.metrics().connectClosed();
            context.openConnects().remove(this);
        }
    }
}
