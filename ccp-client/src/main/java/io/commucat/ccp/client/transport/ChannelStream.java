package io.commucat.ccp.client.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * A {@link ConnectStream} that is one Netty channel (an HTTP/2 child channel, or a socket of its
 * own): writability, reading and the event loop are that channel's, so back-pressure is its
 * writability and {@code autoRead}.
 *
 * <p>Thread-safe: these methods may be called from any thread (Netty's channel calls are).
 */
abstract sealed class ChannelStream<C extends Channel> implements ConnectStream permits H2Stream, SocketStream {

    protected final C channel;

    ChannelStream(C channel) {
        this.channel = channel;
    }

    @Override
    public final boolean isWritable() {
        return channel.isWritable();
    }

    /** Stops reading the channel: the server is slowed by the HTTP/2 window, or by TCP. */
    @Override
    public final void pauseReading() {
        channel.config().setAutoRead(false);
    }

    @Override
    public final void resumeReading() {
        channel.config().setAutoRead(true);
        channel.read();
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public final EventLoop eventLoop() {
        return channel.eventLoop();
    }
}
