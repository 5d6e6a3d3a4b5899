package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable channel membership (ccp-1.md §4.4), shared by every node of a cluster. Blocking,
 * thread-safe.
 *
 * <p>Authorisation (a Deviation from the original, which let any device rewrite any channel):
 * a channel, once created, is changed only by devices it lists, and a listed device is an
 * <em>active</em> member, which sends and receives the channel's traffic, once it joined
 * itself or when it belongs to the creator's user.
 */
public interface Channels {

    /** What a Join did. */
    enum JoinOutcome {
        /** The channel did not exist; the sender created it. */
        CREATED,
        /** The sender, listed in the channel, joined it (or joined again). */
        JOINED,
        /** The channel exists and does not list the sender: nothing changed. */
        NOT_MEMBER,
        /** The channel would have more than {@link ChannelLimits#maxMembers()} members: nothing changed. */
        CHANNEL_FULL,
        /**
         * A device the join adds to the channel (the creating sender, or a listed device) is a
         * member of {@link ChannelLimits#maxChannelsPerDevice()} channels already: nothing changed.
         */
        TOO_MANY_CHANNELS
    }

    /**
     * The sender joins channel {@code channelId}, creating it when it does not exist, and lists
     * {@code listed} (devices not yet in the channel are added as not joined), within
     * {@code limits}. The member count of a channel is exact (the channel is locked); the
     * channel count of a device may be passed by joins of other channels that commit at the
     * same moment (at most one per concurrent transaction).
     */
    JoinOutcome join(long channelId, String deviceId, String userId, Set<String> listed, boolean relay,
            String groupId, Instant now, ChannelLimits limits) throws StorageException;

    /** {@link #join(long, String, String, Set, boolean, String, Instant, ChannelLimits)} without limits. */
    default JoinOutcome join(long channelId, String deviceId, String userId, Set<String> listed, boolean relay,
            String groupId, Instant now) throws StorageException {
        return join(channelId, deviceId, userId, listed, relay, groupId, now, ChannelLimits.UNLIMITED);
    }

    /**
     * Those of {@code deviceIds} that are not registered devices (a channel lists only devices
     * that exist).
     */
    Set<String> unknownDevices(Set<String> deviceIds) throws StorageException;

    /**
     * Removes the sender from the channel (not the channel for everyone: a Deviation). A channel
     * without joined members is deleted.
     *
     * @return false when the channel does not list the sender
     */
    boolean leave(long channelId, String deviceId) throws StorageException;

    Optional<Channel> find(long channelId) throws StorageException;

    /**
     * The active members other than {@code senderDeviceId} that a frame from it reaches, or
     * empty when the sender is not an active member (or the channel does not exist).
     */
    Optional<List<String>> recipients(long channelId, String senderDeviceId) throws StorageException;

    /** Every device that shares a channel with {@code deviceId}, both being active members there. */
    Set<String> peers(String deviceId) throws StorageException;

    /** Whether a member is active: joined, or a device of the creator's user. */
    static boolean active(Channel channel, ChannelMember member) {
        return member.joined() || channel.creatorUser().equals(member.userId());
    }
}
