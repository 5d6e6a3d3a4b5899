package io.commucat.ccp.server.storage;

/**
 * What waits in one device's inbox, kept by the {@link Inbox} in the same transaction as every
 * insert and delete (so a quota check never counts rows).
 *
 * @param envelopes envelopes queued and not yet acknowledged or expired
 * @param bytes     their payload bytes
 */
public record InboxUsage(long envelopes, long bytes) {

    public static final InboxUsage EMPTY = new InboxUsage(0, 0);

    /** One device's usage, as read together with others. */
    public record Row(String recipient, InboxUsage usage) {
    }

    public InboxUsage plus(long envelopeCount, long byteCount) {
        return new InboxUsage(envelopes + envelopeCount, bytes + byteCount);
    }
}
