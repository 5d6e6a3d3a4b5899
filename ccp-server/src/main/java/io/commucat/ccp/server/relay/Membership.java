package io.commucat.ccp.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.server.relay.RelayException.Kind;
import io.commucat.ccp.server.storage.Channel;
import io.commucat.ccp.server.storage.ChannelLimits;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.GroupMember;
import io.commucat.ccp.server.storage.GroupRole;
import io.commucat.ccp.server.storage.Groups;
import io.commucat.ccp.server.storage.StorageException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The frames that change who is in a channel or group: Join (with or without {@code group_id}),
 * GroupCreate and GroupInvite (ccp-1.md §4.2, §4.4), with their payloads checked field by field.
 * Blocking (storage ports); thread-safe.
 */
final class Membership {

    /** At most this many devices in one Join's or GroupCreate's {@code members}. */
    static final int MAX_LISTED_MEMBERS = 1024;
    /** Device and group ids are at most this long (the tables' column width). */
    static final int MAX_ID_LENGTH = 255;

    private final Channels channels;
    private final Groups groups;
    private final ChannelLimits limits;
    private final SecureRandom random = new SecureRandom();

    Membership(Channels channels, Groups groups, ChannelLimits limits) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.groups = Objects.requireNonNull(groups, "groups");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Join; with {@code group_id} the members come from the stored group. Returns that group id. */
    Optional<String> join(String deviceId, String userId, Frame frame, Instant now)
            throws RelayException, StorageException {
        ObjectNode body = frame.control().json();
        Optional<String> groupId = optionalId(body, "group_id");
        boolean relay = flag(body, "relay", false);
        Set<String> listed;
        if (groupId.isPresent()) {
            listed = new LinkedHashSet<>();
            for (GroupMember member : groupMembers(groupId.get(), deviceId)) {
                listed.add(member.deviceId());
            }
        } else {
            listed = members(body.get("members"));
            requireRegistered(listed, deviceId);
        }
        requireJoined(channels.join(frame.channelId(), deviceId, userId, listed, relay, groupId.orElse(null), now,
                limits), frame.channelId());
        return groupId;
    }

    /** A channel or group lists only devices that exist: ids that do not are refused, never stored. */
    private void requireRegistered(Set<String> listed, String deviceId) throws RelayException, StorageException {
        Set<String> others = new LinkedHashSet<>(listed);
        others.remove(deviceId);
        Set<String> unknown = channels.unknownDevices(others);
        if (!unknown.isEmpty()) {
            // The count only: the ids are the peer's own bytes, up to 1 024 of them.
            throw new RelayException(Kind.UNKNOWN_DEVICE, unknown.size() + " of the listed devices "
                    + (unknown.size() == 1 ? "is" : "are") + " not registered; nothing changed");
        }
    }

    /** Turns a join that changed nothing into the sender's refusal. */
    private void requireJoined(Channels.JoinOutcome outcome, long channel) throws RelayException {
        switch (outcome) {
            case CREATED, JOINED -> {
                // Done.
            }
            case NOT_MEMBER -> throw notOpen(channel);
            case CHANNEL_FULL -> throw new RelayException(Kind.CHANNEL_FULL, "a channel has at most "
                    + limits.maxMembers() + " members; nothing changed");
            case TOO_MANY_CHANNELS -> throw new RelayException(Kind.TOO_MANY_CHANNELS, "a device belongs to at most "
                    + limits.maxChannelsPerDevice() + " channels, and one this Join adds has reached that; nothing"
                    + " changed");
        }
    }

    /** GroupCreate: the group (sender as owner) and channel N listing its members. Returns the group id. */
    String createGroup(String deviceId, String userId, Frame frame, Instant now)
            throws RelayException, StorageException {
        ObjectNode body = frame.control().json();
        String groupId = optionalId(body, "group_id").orElseGet(this::newGroupId);
        boolean relay = flag(body, "relay", true);
        Set<String> listed = members(body.get("members"));
        JsonNode roles = body.get("roles");
        if (roles != null && !roles.isNull() && !roles.isObject()) {
            throw new RelayException(Kind.BAD_REQUEST, "roles must be an object of device id to role");
        }
        requireListedOrAbsent(frame.channelId(), deviceId);
        requireRegistered(listed, deviceId);
        if (!groups.members(groupId).isEmpty()) {
            throw new RelayException(Kind.GROUP_EXISTS, "group " + groupId + " exists");
        }
        // The channel first, within its limits: a refused GroupCreate stores no group.
        requireJoined(channels.join(frame.channelId(), deviceId, userId, listed, relay, groupId, now, limits),
                frame.channelId());
        List<GroupMember> members = new ArrayList<>();
        members.add(new GroupMember(groupId, deviceId, GroupRole.OWNER, now));
        for (String member : listed) {
            if (!member.equals(deviceId)) {
                members.add(new GroupMember(groupId, member, invitedRole(roles == null ? null : roles.get(member)), now));
            }
        }
        try {
            groups.create(groupId, deviceId, now, members);
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.CONFLICT) {
                throw new RelayException(Kind.GROUP_EXISTS, "group " + groupId + " exists");
            }
            throw e;
        }
        return groupId;
    }

    /** GroupInvite: an owner or admin adds a device to the group and lists it in channel N. */
    GroupMember invite(String deviceId, String userId, Frame frame, Instant now)
            throws RelayException, StorageException {
        ObjectNode body = frame.control().json();
        String groupId = optionalId(body, "group_id")
                .orElseThrow(() -> new RelayException(Kind.BAD_REQUEST, "group_id is required"));
        String invitee = optionalId(body, "device")
                .orElseThrow(() -> new RelayException(Kind.BAD_REQUEST, "device is required"));
        GroupMember inviter = groupMembers(groupId, deviceId).stream().filter(m -> m.deviceId().equals(deviceId))
                .findFirst().orElseThrow();
        if (!inviter.role().mayInvite()) {
            throw new RelayException(Kind.FORBIDDEN, "only the group's owner and admins may invite");
        }
        requireListedOrAbsent(frame.channelId(), deviceId);
        requireRegistered(Set.of(invitee), deviceId);
        GroupMember invited = new GroupMember(groupId, invitee, invitedRole(body.get("role")), now);
        boolean relay = channels.find(frame.channelId()).map(Channel::relay).orElse(true);
        // The channel first, within its limits: a refused invitation adds nobody to the group.
        requireJoined(channels.join(frame.channelId(), deviceId, userId, Set.of(invitee), relay, groupId, now,
                limits), frame.channelId());
        groups.addMember(invited);
        return invited;
    }

    /** The group's members; the sender must be one of them. */
    private List<GroupMember> groupMembers(String groupId, String deviceId) throws RelayException, StorageException {
        List<GroupMember> members = groups.members(groupId);
        if (members.isEmpty()) {
            throw new RelayException(Kind.UNKNOWN_GROUP, "no group " + groupId);
        }
        if (members.stream().noneMatch(m -> m.deviceId().equals(deviceId))) {
            throw new RelayException(Kind.NOT_MEMBER, "not a member of group " + groupId);
        }
        return members;
    }

    /** Checked before a group changes, so a refused frame changes nothing. */
    private void requireListedOrAbsent(long channel, String deviceId) throws RelayException, StorageException {
        Optional<Channel> existing = channels.find(channel);
        if (existing.isPresent() && existing.get().members().stream().noneMatch(m -> m.deviceId().equals(deviceId))) {
            throw notOpen(channel);
        }
    }

    /** The role a GroupInvite or GroupCreate asks for: never owner (at most admin), member by default. */
    private static GroupRole invitedRole(JsonNode requested) {
        GroupRole role = requested != null && requested.isTextual()
                ? GroupRole.fromLabel(requested.textValue()).orElse(GroupRole.MEMBER) : GroupRole.MEMBER;
        return role == GroupRole.OWNER ? GroupRole.ADMIN : role;
    }

    private String newGroupId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return "g" + HexFormat.of().formatHex(id);
    }

    private static Optional<String> optionalId(ObjectNode body, String field) throws RelayException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_ID_LENGTH) {
            throw new RelayException(Kind.BAD_REQUEST, field + " must be a string of 1 to " + MAX_ID_LENGTH
                    + " characters");
        }
        return Optional.of(value.textValue());
    }

    private static boolean flag(ObjectNode body, String field, boolean absent) throws RelayException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new RelayException(Kind.BAD_REQUEST, field + " must be a boolean");
        }
        return value.booleanValue();
    }

    private static Set<String> members(JsonNode members) throws RelayException {
        Set<String> listed = new LinkedHashSet<>();
        if (members == null || members.isNull()) {
            return listed;
        }
        if (!members.isArray()) {
            throw new RelayException(Kind.BAD_REQUEST, "members must be an array of device ids");
        }
        if (members.size() > MAX_LISTED_MEMBERS) {
            throw new RelayException(Kind.BAD_REQUEST, "at most " + MAX_LISTED_MEMBERS + " members per Join");
        }
        for (JsonNode member : members) {
            if (!member.isTextual() || member.textValue().isEmpty()
                    || member.textValue().length() > MAX_ID_LENGTH) {
                throw new RelayException(Kind.BAD_REQUEST, "members must be device ids of 1 to "
                        + MAX_ID_LENGTH + " characters");
            }
            listed.add(member.textValue());
        }
        return listed;
    }

    static RelayException notOpen(long channel) {
        return new RelayException(Kind.NOT_MEMBER, "not a member of channel " + channel);
    }
}
