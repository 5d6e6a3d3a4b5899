package io.commucat.ccp.client.transport;

import java.util.Map;

/**
 * Events of one stream (an HTTP/2 stream, or an HTTP/1.1 exchange). Every hook does nothing by
 * default; override what you need.
 *
 * <p>Threading: hooks run on the connection's event loop, one at a time, in stream order; they
 * must not block. {@link #onClosed} is always the last call, exactly once. A hook that throws
 * cancels the stream.
 *
 * <p>Flow control: the HTTP/2 window of a DATA frame is returned to the server after
 * {@link #onData} returns, and over HTTP/1.1 the socket is read again only then, so a slow
 * listener slows the server down; {@link ConnectStream#pauseReading()} stops delivery (and
 * window updates, or socket reads) altogether.
 */
public abstract class StreamListener {

    /**
     * The response head.
     *
     * @param headers lower-case names; over HTTP/2 pseudo-headers (such as {@code :status}) included
     */
    public void onResponseHead(int status, Map<String, String> headers) {
    }

    /** Response body bytes, in order; the array belongs to the listener. Never empty. */
    public void onData(byte[] data) {
    }

    /** The server ended its response (HTTP/2 END_STREAM, HTTP/1.1 its last chunk). {@link #onClosed} follows. */
    public void onDownstreamEnd() {
    }

    /** The stream's writability changed: {@link ConnectStream#write} would buffer while it is false. */
    public void onWritabilityChanged(boolean writable) {
    }

    /** The stream is gone. Always last, exactly once. */
    public void onClosed(StreamClosure closure) {
    }
}
