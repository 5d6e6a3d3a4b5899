package io.commucat.ccp.server.http;

/**
 * A {@link QueuedConnectClient} whose upload is companion POSTs (SSE, long-poll; ccp-1.md §1.3):
 * each {@link #send} is one POST, and the upload has no end of its own.
 *
 * <p>Thread-safe as {@link CompanionUpload} is.
 */
abstract class CompanionConnectClient extends QueuedConnectClient {

    protected final CompanionUpload upload;

    CompanionConnectClient(CompanionUpload upload) {
        this.upload = upload;
    }

    /** One companion POST; returns once it is answered 204, which waits while the session takes no upload. */
    @Override
    public final void send(byte[] bytes) throws Exception {
        upload.send(bytes);
    }

    /** The companion's upload has no end of its own (it ends with the session). */
    @Override
    public final void endUpstream() {
        throw new UnsupportedOperationException("a companion upload has no end of its own");
    }
}
