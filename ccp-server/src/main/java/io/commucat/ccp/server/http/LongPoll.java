package io.commucat.ccp.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One long-poll response of a {@link LongPollSession}: what the session sends goes out on it
 * until the session ends it (idle, size, a newer poll) or the client goes away. Its request body
 * is read and dropped (upstream comes from companion POSTs).
 *
 * <p>Threading: the {@link ConnectDriver} calls come on the poll's own loop, which may differ from
 * the session's (a resume may arrive on another connection); {@link #send} and {@link #finish}
 * are called on the session's loop and hand the work to the poll's channel, which keeps their order.
 */
final class LongPoll implements ConnectDriver {

    private final ConnectTransport transport;
    private final ServerContext context;
    private final long after;
    private LongPollSession session;
    /** Poll loop only. */
    private boolean upstreamEnded;
    /** Poll loop only. */
    private boolean closed;

    private LongPoll(ConnectTransport transport, ServerContext context, LongPollSession session, long after) {
        this.transport = transport;
        this.context = context;
        this.session = session;
        this.after = after;
    }

    /** The poll that opens a session ({@code upstream=1}, no {@code resume}). */
    static LongPoll first(ConnectTransport transport, ServerContext context) {
        return new LongPoll(transport, context, null, 0);
    }

    /** A later poll of {@code session}: the browser has every write up to sequence {@code after}. */
    static LongPoll resume(ConnectTransport transport, LongPollSession session, long after) {
        return new LongPoll(transport, null, session, after);
    }

    @Override
    public void start() {
        transport.requestUpstream();
        if (session == null) {
            session = new LongPollSession(context, transport.eventLoop(), transport.remoteAddress());
            session.open(this);
        } else {
            LongPollSession target = session;
            target.eventLoop().execute(() -> target.attach(this, after));
        }
    }

    @Override
    public void onUpstream(ByteBuf content) {
        if (!upstreamEnded && !closed) {
            transport.requestUpstream();
        }
    }

    @Override
    public void onUpstreamEnd() {
        upstreamEnded = true;
    }

    @Override
    public void onWritable() {
        // Nothing waits on it: what a poll may carry is bounded by the session's replay buffer.
    }

    @Override
    public void onTransportClosed() {
        if (closed) {
            return;
        }
        closed = true;
        LongPollSession target = session;
        target.eventLoop().execute(() -> target.detached(this));
    }

    /** Session loop: body bytes out on this poll. */
    void send(byte[] bytes) {
        transport.send(Unpooled.wrappedBuffer(bytes));
    }

    /** Session loop: ends this poll's response after what was sent. */
    void finish() {
        if (transport.eventLoop().isShuttingDown()) {
            // Server shutdown: a session outlives its polls, so its goodbye may come after the
            // poll's loop stopped taking tasks; that loop closes the poll's channel itself.
            return;
        }
        transport.eventLoop().execute(() -> {
            if (!closed) {
                closed = true;
                transport.end(upstreamEnded);
            }
        });
    }
}
