package io.commucat.ccp.server.storage;

/**
 * Bounds on channel membership, checked by {@link Channels#join} in the transaction that adds
 * member rows.
 *
 * @param maxMembers           member rows (joined or listed) one channel may have
 * @param maxChannelsPerDevice channels one device may be a member of (joined or listed)
 */
public record ChannelLimits(int maxMembers, int maxChannelsPerDevice) {

    /** No bounds (tests that exercise something else). */
    public static final ChannelLimits UNLIMITED = new ChannelLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public ChannelLimits {
        if (maxMembers < 1 || maxChannelsPerDevice < 1) {
            throw new IllegalArgumentException("channel limits must be positive");
        }
    }
}
