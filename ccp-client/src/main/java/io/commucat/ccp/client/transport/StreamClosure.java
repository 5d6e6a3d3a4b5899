package io.commucat.ccp.client.transport;

/**
 * How a stream (an HTTP/2 stream, or an HTTP/1.1 exchange) ended; handed to {@link
 * StreamListener#onClosed} exactly once, last.
 *
 * @param kind what ended it
 * @param errorCode the HTTP/2 error code of a received RST_STREAM (0 = NO_ERROR), else 0
 *     (always 0 over HTTP/1.1)
 */
public record StreamClosure(Kind kind, long errorCode) {

    /** What ended a stream. */
    public enum Kind {
        /** The server ended its response (END_STREAM, or the last chunk), whatever happened to the request side afterwards. */
        COMPLETED,
        /** The server reset the stream before ending its response (HTTP/2 only). */
        RESET,
        /** This side cancelled the stream ({@link ConnectStream#cancel()}). */
        CANCELLED,
        /** The connection (over HTTP/1.1 the exchange's socket) closed or failed under the stream before the response ended. */
        CONNECTION_LOST
    }

    /** Whether the server's response ended normally. */
    public boolean completed() {
        return kind == Kind.COMPLETED;
    }
}
