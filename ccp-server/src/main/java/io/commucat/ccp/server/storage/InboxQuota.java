package io.commucat.ccp.server.storage;

/**
 * What one device's inbox may hold at most: envelopes and payload bytes. A frame whose envelope
 * would take a recipient past either limit is not queued for anyone (see {@link Inbox#enqueue(List,
 * InboxQuota)}).
 *
 * @param maxEnvelopes envelopes waiting for one device
 * @param maxBytes     payload bytes waiting for one device
 */
public record InboxQuota(long maxEnvelopes, long maxBytes) {

    /** No limit (tools and tests that queue directly). */
    public static final InboxQuota UNLIMITED = new InboxQuota(Long.MAX_VALUE, Long.MAX_VALUE);

    public InboxQuota {
        if (maxEnvelopes < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("inbox quota limits must be positive");
        }
    }

    /** Whether {@code usage} plus one envelope of {@code payloadBytes} stays within both limits. */
    public boolean admits(InboxUsage usage, long payloadBytes) {
        return usage.envelopes() < maxEnvelopes && payloadBytes <= maxBytes - usage.bytes();
    }
}
