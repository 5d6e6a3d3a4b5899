package io.commucat.ccp.client.transport;

import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;

/**
 * One open request, full duplex: the request body goes up with {@link #write} while the response
 * arrives at the {@link StreamListener}. For {@code /connect} these are the upstream and
 * downstream bytes of a device session (ccp-1.md §1). Over HTTP/2 it is one stream of its
 * connection; over HTTP/1.1 it is one exchange holding a socket of its own (chunked bodies both
 * ways), see {@link H1Connection}. Made by {@link ClientConnection#openConnect}.
 *
 * <p>Thread-safe: any thread may call any method. Writes are queued onto the connection's event
 * loop in the order they are made (from one thread; writes racing from several threads are
 * ordered as they reach the loop). {@link #isWritable()} turns false when too much waits in the
 * transport's buffer (HTTP/2 flow control, or the socket).
 */
public sealed interface ConnectStream permits ChannelStream {

    /**
     * Sends {@code bytes} upstream. The array must not be changed afterwards. Completes when
     * written to the socket.
     */
    default CompletableFuture<Void> write(byte[] bytes) {
        return write(bytes, false);
    }

    /** Sends {@code bytes}, and ends the request body after them when {@code endStream}. */
    CompletableFuture<Void> write(byte[] bytes, boolean endStream);

    /**
     * Ends the request body (HTTP/2 END_STREAM, HTTP/1.1 the last chunk); the response may go on.
     */
    CompletableFuture<Void> endUpstream();

    /**
     * Ends the exchange at once (HTTP/2 RST_STREAM CANCEL; HTTP/1.1 closes its socket); the
     * listener then sees {@link StreamClosure.Kind#CANCELLED} unless the response had ended.
     */
    void cancel();

    /** Whether a write now would be sent without waiting in the transport's buffer (flow control, socket). */
    boolean isWritable();

    /**
     * Stops delivering response bytes: the server is slowed down (HTTP/2 window, or TCP over
     * HTTP/1.1) instead of bytes piling up here.
     */
    void pauseReading();

    /** Delivers response bytes again after {@link #pauseReading()}. */
    void resumeReading();

    /** Whether the stream is still open. */
    boolean isOpen();

    /** The loop where this stream's listener runs (shared with its connection). */
    EventLoop eventLoop();
}
