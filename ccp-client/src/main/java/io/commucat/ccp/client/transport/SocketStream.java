package io.commucat.ccp.client.transport;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ChannelStream} holding a TLS socket of its own (HTTP/1.1 chunked, WebSocket): it ends
 * with its socket, so cancelling closes the socket, and the closure a listener sees depends on
 * whether it was cancelled first.
 *
 * <p>Threading: {@link #cancel()} and {@link #isOpen()} may be called from any thread;
 * {@link #cancelled} is read and written on the socket's event loop only; {@link #finished} is
 * written there and read anywhere.
 */
abstract sealed class SocketStream extends ChannelStream<Channel> permits H1Exchange, WsStream {

    /** The listener has seen its closure; nothing more reaches it. Set on the event loop. */
    protected volatile boolean finished;
    /** The socket was closed on purpose (by {@link #cancel()} or a failed listener). Event loop only. */
    protected boolean cancelled;

    SocketStream(Channel channel) {
        super(channel);
    }

    /** Closes the socket (HTTP/1.1 and WebSocket have no other way to end one exchange). */
    @Override
    public final void cancel() {
        if (finished) {
            return;
        }
        try {
            channel.eventLoop().execute(() -> {
                if (!finished) {
                    cancelled = true;
                    channel.close();
                }
            });
        } catch (RejectedExecutionException e) {
            // The loop is gone, and the socket with it.
        }
    }

    @Override
    public final boolean isOpen() {
        return !finished && channel.isActive();
    }
}
