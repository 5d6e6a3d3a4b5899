package io.commucat.ccp.client.transport;

import java.io.IOException;

/** The stream or connection ended before the operation could finish. */
public final class TransportClosedException extends IOException {

    private final transient StreamClosure closure;

    /** @param closure how the stream ended, or null when no stream existed */
    public TransportClosedException(String message, StreamClosure closure) {
        super(message);
        this.closure = closure;
    }

    /** @param closure how the stream ended, or null when no stream existed */
    public TransportClosedException(String message, StreamClosure closure, Throwable cause) {
        super(message, cause);
        this.closure = closure;
    }

    /** How the stream ended, or null when the connection failed before a stream existed. */
    public StreamClosure closure() {
        return closure;
    }
}
