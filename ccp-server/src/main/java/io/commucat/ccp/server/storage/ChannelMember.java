package io.commucat.ccp.server.storage;

/**
 * A device listed in a channel.
 *
 * @param joined whether the device sent a Join for the channel itself (a device listed by
 *     someone else is not joined until it does, ccp-1.md §4.4)
 * @param userId the device's user when the device is registered, else {@code null}
 */
public record ChannelMember(String deviceId, boolean joined, String userId) {
}
