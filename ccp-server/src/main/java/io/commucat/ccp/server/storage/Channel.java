package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.List;

/**
 * A channel of ccp-1.md §4.4 with its members.
 *
 * @param id the channel id (unsigned 32-bit on the wire)
 * @param creatorDevice the device whose Join created it
 * @param creatorUser that device's user: devices of this user receive the channel's traffic as
 *     soon as they are listed, without joining themselves
 * @param relay the {@code relay} flag of the latest Join; stored and returned, never a gate
 * @param groupId the group the members came from, or {@code null}
 * @param members every listed device, joined or not, ordered by device id
 */
public record Channel(long id, String creatorDevice, String creatorUser, boolean relay, String groupId,
        Instant createdAt, List<ChannelMember> members) {

    public Channel {
        members = List.copyOf(members);
    }
}
