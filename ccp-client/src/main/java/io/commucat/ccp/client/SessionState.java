package io.commucat.ccp.client;

/** Where a {@link CcpSession}'s link to the server stands. */
public enum SessionState {
    /** Established: frames flow. */
    CONNECTED,
    /**
     * The link was lost (or a bootstrap attempt failed) and the session is waiting to try again:
     * requests wait and go out after the next bootstrap.
     */
    RECONNECTING,
    /** Ended for good: by {@link CcpSession#close()} or a refusal that retrying cannot cure. */
    CLOSED
}
