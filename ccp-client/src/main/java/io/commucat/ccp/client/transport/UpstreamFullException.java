package io.commucat.ccp.client.transport;

/**
 * A frame was refused because too many bytes already wait to be sent on the connection: the
 * server reads slower than the application sends (its storage is behind, or the network is).
 * Nothing was sent; send again after earlier sends completed.
 */
public final class UpstreamFullException extends IllegalStateException {

    private final long pendingBytes;
    private final long maxPendingBytes;

    UpstreamFullException(long pendingBytes, long maxPendingBytes) {
        super(pendingBytes + " bytes wait to be sent (at most " + maxPendingBytes + "); send again once earlier sends completed");
        this.pendingBytes = pendingBytes;
        this.maxPendingBytes = maxPendingBytes;
    }

    /** Bytes waiting when the frame was refused. */
    public long pendingBytes() {
        return pendingBytes;
    }

    /** The bound. */
    public long maxPendingBytes() {
        return maxPendingBytes;
    }
}
