package io.commucat.ccp.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ControlPayload;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.RelayException.Kind;
import io.commucat.ccp.server.storage.Channel;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.GroupMember;
import io.commucat.ccp.server.storage.GroupRole;
import io.commucat.ccp.server.storage.Groups;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.StorageException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel work behind the frames of one device (ccp-1.md §4.2, §4.4). Blocking: it runs on
 * the storage executor, never on an event loop. Thread-safe and stateless.
 *
 * <p>A batch is the frames one session received while its previous batch was in storage. They
 * are applied in order; the durable envelopes of the whole batch are queued in one transaction,
 * and a durable frame is Acked only after that commit, so nothing acknowledged can be lost.
 */
public final class Relay {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    /** At most this many devices in one Join's {@code members}. */
    public static final int MAX_LISTED_MEMBERS = 1024;
    /** Device ids are at most this long (the directory's column width). */
    static final int MAX_DEVICE_ID_LENGTH = 255;
    /** Ack properties that call frames echo from their payload, as the original does. */
    private static final List<String> CALL_ACK_FIELDS = List.of("call_id", "accept", "reason", "direction", "update");

    private final Channels channels;
    private final Inbox inbox;
    private final InboxWriter writer;
    private final Groups groups;
    private final Duration relayTtl;
    private final SecureRandom random = new SecureRandom();

    /** @param writer group commit for {@code inbox}: how durable frames are queued */
    public Relay(Channels channels, Inbox inbox, InboxWriter writer, Groups groups, Duration relayTtl) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.groups = Objects.requireNonNull(groups, "groups");
        this.relayTtl = Objects.requireNonNull(relayTtl, "relayTtl");
    }

    /**
     * One result per frame, in the order given. Membership work is done before this returns (it
     * blocks); the future completes when the batch's envelopes committed, on the writer's thread.
     */
    public CompletableFuture<List<Outcome>> process(String deviceId, String userId, List<Frame> frames, Instant now) {
        List<Draft> drafts = new ArrayList<>(frames.size());
        Map<Long, List<String>> recipients = new HashMap<>();
        for (Frame frame : frames) {
            try {
                drafts.add(draft(deviceId, userId, frame, now, recipients));
            } catch (RelayException e) {
                drafts.add(new Draft(frame, null, List.of(), e));
            } catch (StorageException e) {
                drafts.add(new Draft(frame, null, List.of(), unavailable(e)));
            }
        }
        return writer.enqueue(envelopes(deviceId, drafts, now)).handle((queued, error) -> {
            if (error == null) {
                return outcomes(drafts, queued);
            }
            // Nothing of the batch's durable frames was committed: all are refused, none Acked.
            RelayException refusal = new RelayException(Kind.UNAVAILABLE, "storage unavailable, retry later");
            drafts.replaceAll(d -> d.refusal() == null && durable(d.frame())
                    ? new Draft(d.frame(), null, List.of(), refusal) : d);
            return outcomes(drafts, List.of());
        });
    }

    /** The devices a frame of {@code deviceId} on its channel reaches, looked up once per batch. */
    private Draft draft(String deviceId, String userId, Frame frame, Instant now, Map<Long, List<String>> recipients)
            throws RelayException, StorageException {
        long channel = frame.channelId();
        return switch (Handling.of(frame.type())) {
            case MEMBERSHIP -> {
                recipients.remove(channel);
                ObjectNode ack = ack(frame);
                if (frame.type() == FrameType.JOIN) {
                    join(deviceId, userId, frame, now).ifPresent(group -> ack.put("group_id", group));
                } else if (!channels.leave(channel, deviceId)) {
                    throw notOpenOrUnknown(channel);
                }
                yield new Draft(frame, ack, List.of(), null);
            }
            case GROUP -> {
                recipients.remove(channel);
                ObjectNode ack = ack(frame);
                if (frame.type() == FrameType.GROUP_CREATE) {
                    ack.put("group_id", createGroup(deviceId, userId, frame, now));
                } else {
                    GroupMember invited = invite(deviceId, userId, frame, now);
                    ack.put("group_id", invited.groupId());
                    ack.put("device", invited.deviceId());
                }
                yield new Draft(frame, ack, recipients(channel, deviceId, recipients), null);
            }
            case DURABLE, EPHEMERAL -> new Draft(frame, ack(frame), recipients(channel, deviceId, recipients), null);
            case SESSION, UNEXPECTED -> throw new IllegalArgumentException(frame.type() + " is not a channel frame");
        };
    }

    private List<String> recipients(long channel, String deviceId, Map<Long, List<String>> cache)
            throws RelayException, StorageException {
        List<String> targets = cache.get(channel);
        if (targets == null) {
            targets = channels.recipients(channel, deviceId).orElseThrow(() -> notOpenOrUnknown(channel));
            cache.put(channel, targets);
        }
        return targets;
    }

    /** Join; with {@code group_id} the members come from the stored group. Returns that group id. */
    private Optional<String> join(String deviceId, String userId, Frame frame, Instant now)
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
        }
        Channels.JoinOutcome outcome = channels.join(frame.channelId(), deviceId, userId, listed, relay,
                groupId.orElse(null), now);
        if (outcome == Channels.JoinOutcome.NOT_MEMBER) {
            throw notOpen(frame.channelId());
        }
        return groupId;
    }

    /** GroupCreate: the group (sender as owner) and channel N listing its members. Returns the group id. */
    private String createGroup(String deviceId, String userId, Frame frame, Instant now)
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
        if (channels.join(frame.channelId(), deviceId, userId, listed, relay, groupId, now)
                == Channels.JoinOutcome.NOT_MEMBER) {
            throw notOpen(frame.channelId());
        }
        return groupId;
    }

    /** GroupInvite: an owner or admin adds a device to the group and lists it in channel N. */
    private GroupMember invite(String deviceId, String userId, Frame frame, Instant now)
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
        GroupMember invited = new GroupMember(groupId, invitee, invitedRole(body.get("role")), now);
        groups.addMember(invited);
        boolean relay = channels.find(frame.channelId()).map(Channel::relay).orElse(true);
        if (channels.join(frame.channelId(), deviceId, userId, Set.of(invitee), relay, groupId, now)
                == Channels.JoinOutcome.NOT_MEMBER) {
            throw notOpen(frame.channelId());
        }
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
        return "g" + java.util.HexFormat.of().formatHex(id);
    }

    private static Optional<String> optionalId(ObjectNode body, String field) throws RelayException {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.textValue().isEmpty() || value.textValue().length() > MAX_DEVICE_ID_LENGTH) {
            throw new RelayException(Kind.BAD_REQUEST, field + " must be a string of 1 to " + MAX_DEVICE_ID_LENGTH
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
                    || member.textValue().length() > MAX_DEVICE_ID_LENGTH) {
                throw new RelayException(Kind.BAD_REQUEST, "members must be device ids of 1 to "
                        + MAX_DEVICE_ID_LENGTH + " characters");
            }
            listed.add(member.textValue());
        }
        return listed;
    }

    /** The Ack of §4.2: the frame's sequence, plus the call details call frames carry. */
    private static ObjectNode ack(Frame frame) {
        ObjectNode ack = ControlJson.object();
        ack.put("ack", frame.sequence());
        if (frame.payload() instanceof ControlPayload control && Handling.of(frame.type()) == Handling.EPHEMERAL) {
            ObjectNode body = control.json();
            for (String field : CALL_ACK_FIELDS) {
                JsonNode value = body.get(field);
                if (value != null && (value.isValueNode())) {
                    ack.set(field, value);
                }
            }
        }
        return ack;
    }

    /** The envelopes of the batch's durable frames, one per recipient, in frame order. */
    private List<Envelope> envelopes(String deviceId, List<Draft> drafts, Instant now) {
        List<Envelope> envelopes = new ArrayList<>();
        for (Draft draft : drafts) {
            if (draft.refusal() == null && durable(draft.frame())) {
                byte[] payload = draft.frame().payload().toByteArray();
                for (String recipient : draft.recipients()) {
                    envelopes.add(new Envelope(0, recipient, draft.frame().channelId(), draft.frame().type(), payload,
                            deviceId, now, now.plus(relayTtl)));
                }
            }
        }
        return envelopes;
    }

    /** Msg, KeyUpdate and Group* frames are queued (§4.4); the rest is never. */
    private static boolean durable(Frame frame) {
        Handling handling = Handling.of(frame.type());
        return handling == Handling.DURABLE || handling == Handling.GROUP;
    }

    private static List<Outcome> outcomes(List<Draft> drafts, List<Envelope> queued) {
        List<Outcome> outcomes = new ArrayList<>(drafts.size());
        int next = 0;
        for (Draft draft : drafts) {
            if (draft.refusal() != null) {
                outcomes.add(Outcome.refused(draft.frame(), draft.refusal()));
                continue;
            }
            boolean durable = durable(draft.frame());
            List<Delivery> deliveries = new ArrayList<>(draft.recipients().size());
            for (String recipient : draft.recipients()) {
                long envelopeId = durable ? queued.get(next++).id() : 0;
                deliveries.add(new Delivery(recipient, draft.frame(), envelopeId));
            }
            outcomes.add(Outcome.accepted(draft.frame(), draft.ack(), deliveries));
        }
        return outcomes;
    }

    private RelayException notOpenOrUnknown(long channel) {
        try {
            return channels.find(channel).isPresent() ? notOpen(channel)
                    : new RelayException(Kind.UNKNOWN_CHANNEL, "channel " + channel + " is not open");
        } catch (StorageException e) {
            return unavailable(e);
        }
    }

    private static RelayException notOpen(long channel) {
        return new RelayException(Kind.NOT_MEMBER, "not a member of channel " + channel);
    }

    private static RelayException unavailable(StorageException e) {
        return new RelayException(Kind.UNAVAILABLE, "storage unavailable, retry later");
    }

    /** A frame between lookup and queueing. */
    private record Draft(Frame frame, ObjectNode ack, List<String> recipients, RelayException refusal) {
    }

    /** Every device that shares a channel with {@code deviceId} (presence fan-out, §4.3). */
    public Set<String> peers(String deviceId) throws StorageException {
        return channels.peers(deviceId);
    }

    /**
     * The device's queued envelopes after {@code afterId} as deliveries, oldest first, at most
     * {@code limit}. An
     * envelope whose stored payload no longer parses is skipped (it expires with {@code relay_ttl}).
     */
    public List<Delivery> pending(String deviceId, long afterId, Instant now, int limit) throws StorageException {
        List<Delivery> deliveries = new ArrayList<>();
        for (Envelope envelope : inbox.pending(deviceId, afterId, now, limit)) {
            frameOf(envelope).ifPresent(frame -> deliveries.add(new Delivery(deviceId, frame, envelope.id())));
        }
        return deliveries;
    }

    /** Deletes envelopes the device acknowledged; returns how many there were. */
    public int acknowledge(String deviceId, List<Long> envelopeIds) throws StorageException {
        return inbox.acknowledge(deviceId, envelopeIds);
    }

    /** The frame a queued envelope becomes (its sequence is set when it is sent). */
    static Optional<Frame> frameOf(Envelope envelope) {
        byte[] payload = envelope.payload();
        if (envelope.type().payloadKind() == io.commucat.ccp.proto.PayloadKind.OPAQUE) {
            return Optional.of(Frame.opaque(envelope.type(), envelope.channelId(), 0, payload));
        }
        try {
            return Optional.of(Frame.control(envelope.type(), envelope.channelId(), 0,
                    ControlJson.parseObject(payload, 0, payload.length)));
        } catch (CodecException | IllegalArgumentException e) {
            LOG.error("inbox envelope {} for {} has a control payload that does not parse; skipped", envelope.id(),
                    envelope.recipient());
            return Optional.empty();
        }
    }
}
