package io.commucat.ccp.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ControlPayload;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.RelayException.Kind;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.StorageException;
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
    private final Duration relayTtl;

    public Relay(Channels channels, Inbox inbox, Duration relayTtl) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.relayTtl = Objects.requireNonNull(relayTtl, "relayTtl");
    }

    /** One result per frame, in the order given. */
    public List<Outcome> process(String deviceId, String userId, List<Frame> frames, Instant now) {
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
        List<Envelope> queued = queue(deviceId, drafts, now);
        return outcomes(drafts, queued);
    }

    /** The devices a frame of {@code deviceId} on its channel reaches, looked up once per batch. */
    private Draft draft(String deviceId, String userId, Frame frame, Instant now, Map<Long, List<String>> recipients)
            throws RelayException, StorageException {
        long channel = frame.channelId();
        return switch (Handling.of(frame.type())) {
            case MEMBERSHIP -> {
                recipients.remove(channel);
                if (frame.type() == FrameType.JOIN) {
                    join(deviceId, userId, frame, now);
                } else if (!channels.leave(channel, deviceId)) {
                    throw notOpen(channel);
                }
                yield new Draft(frame, ack(frame), List.of(), null);
            }
            case DURABLE, EPHEMERAL -> {
                List<String> targets = recipients.get(channel);
                if (targets == null) {
                    targets = channels.recipients(channel, deviceId).orElseThrow(() -> notOpenOrUnknown(channel));
                    recipients.put(channel, targets);
                }
                yield new Draft(frame, ack(frame), targets, null);
            }
            case UNSUPPORTED -> throw new RelayException(Kind.UNSUPPORTED,
                    frame.type().wireName() + " needs stored groups, which this server does not keep yet");
            case SESSION, UNEXPECTED -> throw new IllegalArgumentException(frame.type() + " is not a channel frame");
        };
    }

    private void join(String deviceId, String userId, Frame frame, Instant now) throws RelayException, StorageException {
        ObjectNode body = frame.control().json();
        JsonNode groupId = body.get("group_id");
        if (groupId != null && !groupId.isNull()) {
            if (!groupId.isTextual()) {
                throw new RelayException(Kind.BAD_REQUEST, "group_id must be a string");
            }
            throw new RelayException(Kind.UNKNOWN_GROUP, "no group " + groupId.textValue());
        }
        JsonNode relay = body.get("relay");
        if (relay != null && !relay.isNull() && !relay.isBoolean()) {
            throw new RelayException(Kind.BAD_REQUEST, "relay must be a boolean");
        }
        Set<String> listed = members(body.get("members"));
        Channels.JoinOutcome outcome = channels.join(frame.channelId(), deviceId, userId, listed,
                relay != null && relay.asBoolean(false), null, now);
        if (outcome == Channels.JoinOutcome.NOT_MEMBER) {
            throw notOpen(frame.channelId());
        }
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

    /** Queues the durable frames' envelopes in one transaction; on failure they are all refused. */
    private List<Envelope> queue(String deviceId, List<Draft> drafts, Instant now) {
        List<Envelope> envelopes = new ArrayList<>();
        for (Draft draft : drafts) {
            if (draft.refusal() == null && Handling.of(draft.frame().type()) == Handling.DURABLE) {
                byte[] payload = draft.frame().payload().toByteArray();
                for (String recipient : draft.recipients()) {
                    envelopes.add(new Envelope(0, recipient, draft.frame().channelId(), draft.frame().type(), payload,
                            deviceId, now, now.plus(relayTtl)));
                }
            }
        }
        try {
            return inbox.enqueue(envelopes);
        } catch (StorageException e) {
            RelayException refusal = unavailable(e);
            drafts.replaceAll(d -> d.refusal() == null && Handling.of(d.frame().type()) == Handling.DURABLE
                    ? new Draft(d.frame(), null, List.of(), refusal) : d);
            return List.of();
        }
    }

    private static List<Outcome> outcomes(List<Draft> drafts, List<Envelope> queued) {
        List<Outcome> outcomes = new ArrayList<>(drafts.size());
        int next = 0;
        for (Draft draft : drafts) {
            if (draft.refusal() != null) {
                outcomes.add(Outcome.refused(draft.frame(), draft.refusal()));
                continue;
            }
            boolean durable = Handling.of(draft.frame().type()) == Handling.DURABLE;
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
