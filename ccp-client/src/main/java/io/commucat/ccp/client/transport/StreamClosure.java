package io.commucat.ccp.client.transport;

/**
 * How an HTTP/2 stream ended; handed to {@link StreamListener#onClosed} exactly once, last.
 *
 * @param kind what ended it
 * @param errorCode the HTTP/2 error code of a received RST_STREAM (0 = NO_ERROR), else 0
 */
public record StreamClosure(Kind kind, long errorCode) {

    /** What ended a stream. */
    public enum Kind {
        /** The server ended its response (END_STREAM), whatever happened to the request side afterwards. */
        COMPLETED,
        /** The server reset the stream before ending its response. */
        RESET,
        /** This side cancelled the stream ({@link ConnectStream#cancel()}). */
        CANCELLED,
        /** The connection closed (or failed) under the stream before the response ended. */
        CONNECTION_LOST
    }

    /** Whether the server's response ended normally. */
    public boolean completed() {
        return kind == Kind.COMPLETED;
    }
}
