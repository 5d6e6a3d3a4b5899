package io.commucat.ccp.client.transport;

import java.time.Duration;
import java.util.Optional;

/**
 * The server answered {@code /connect} with an HTTP error instead of a stream (a rate limit's
 * 429, a draining node's 503, ...), before any frame.
 */
public final class ConnectRefusedException extends Exception {

    private final int status;
    private final Duration retryAfter;

    /** @param retryAfter the server's {@code Retry-After}, or null */
    public ConnectRefusedException(int status, Duration retryAfter) {
        super("/connect answered HTTP " + status + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + " s"),
                null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** @return the HTTP status the server answered {@code /connect} with */
    public int status() {
        return status;
    }

    /** The server's {@code Retry-After}, when it sent one in seconds. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
