package io.commucat.ccp.server.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.ControlPayload;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.RelayException.Kind;
import io.commucat.ccp.server.storage.ChannelLimits;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.GroupMember;
import io.commucat.ccp.server.storage.Groups;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.Inbox.Admission;
import io.commucat.ccp.server.storage.InboxQuota;
import io.commucat.ccp.server.storage.InboxPage;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    /**
     * Bytes one durable frame may queue across its recipients (payload × recipients): each
     * recipient gets a row of its own, so a large frame to a large channel is refused rather
     * than written thousands of times.
     */
    public static final long MAX_FANOUT_BYTES = 64L * 1024 * 1024;
    /** Ack properties that call frames echo from their payload, as the original does. */
    private static final List<String> CALL_ACK_FIELDS = List.of("call_id", "accept", "reason", "direction", "update");

    private final Channels channels;
    private final MembershipCache members;
    private final Inbox inbox;
    private final InboxWriter writer;
    private final Membership membership;
    private final Duration relayTtl;
    private final long maxFanoutBytes;
    private final InboxQuota quota;
    private final RelayListener listener;

    /** @param writer group commit for {@code inbox}: how durable frames are queued */
    public Relay(Channels channels, Inbox inbox, InboxWriter writer, Groups groups, Duration relayTtl) {
        this(channels, inbox, writer, groups, relayTtl, MAX_FANOUT_BYTES, RelayListener.NONE);
    }

    /**
     * As above, with another fan-out budget (bytes of one durable frame across its recipients)
     * and a listener for metrics.
     */
    public Relay(Channels channels, Inbox inbox, InboxWriter writer, Groups groups, Duration relayTtl,
            long maxFanoutBytes, RelayListener listener) {
        this(channels, inbox, writer, groups, relayTtl, maxFanoutBytes, ChannelLimits.UNLIMITED, listener);
    }

    /** As above, with bounds on channel membership ({@code [security.quota]}). */
    public Relay(Channels channels, Inbox inbox, InboxWriter writer, Groups groups, Duration relayTtl,
            long maxFanoutBytes, ChannelLimits channelLimits, RelayListener listener) {
        this(channels, inbox, writer, groups, relayTtl, maxFanoutBytes, channelLimits, listener,
                MembershipCache.disabled(channels));
    }

    /**
     * As above, reading the recipients of a channel through {@code members} (a node-local cache
     * over {@code channels}), which this relay tells of every membership change it makes.
     */
    public Relay(Channels channels, Inbox inbox, InboxWriter writer, Groups groups, Duration relayTtl,
            long maxFanoutBytes, ChannelLimits channelLimits, RelayListener listener, MembershipCache members) {
        this.channels = Objects.requireNonNull(channels, "channels");
        this.members = Objects.requireNonNull(members, "members");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.quota = writer.quota();
        this.membership = new Membership(channels, groups, channelLimits);
        this.relayTtl = Objects.requireNonNull(relayTtl, "relayTtl");
        this.maxFanoutBytes = maxFanoutBytes;
        this.listener = Objects.requireNonNull(listener, "listener");
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
                LOG.warn("relay storage failed for {}: {}", deviceId, e.getMessage());
                drafts.add(new Draft(frame, null, List.of(), unavailable()));
            }
        }
        return writer.enqueueFrames(envelopes(deviceId, drafts, now)).handle((admissions, error) -> {
            if (error == null) {
                return outcomes(drafts, admissions);
            }
            // Nothing of the batch's durable frames was committed: all are refused, none Acked.
            LOG.warn("inbox write failed for {}: {}", deviceId, error.getMessage());
            RelayException refusal = unavailable();
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
                    membership.join(deviceId, userId, frame, now).ifPresent(group -> ack.put("group_id", group));
                } else if (!channels.leave(channel, deviceId)) {
                    throw notOpenOrUnknown(channel);
                }
                members.changedHere(channel); // before the Ack: this node's next Msg sees the change
                yield new Draft(frame, ack, List.of(), null);
            }
            case GROUP -> {
                recipients.remove(channel);
                ObjectNode ack = ack(frame);
                if (frame.type() == FrameType.GROUP_CREATE) {
                    ack.put("group_id", membership.createGroup(deviceId, userId, frame, now));
                } else {
                    GroupMember invited = membership.invite(deviceId, userId, frame, now);
                    ack.put("group_id", invited.groupId());
                    ack.put("device", invited.deviceId());
                }
                members.changedHere(channel);
                List<String> targets = recipients(channel, deviceId, recipients);
                requireWithinFanout(frame, targets.size());
                yield new Draft(frame, ack, targets, null);
            }
            case DURABLE, EPHEMERAL -> {
                List<String> targets = recipients(channel, deviceId, recipients);
                if (Handling.of(frame.type()) == Handling.DURABLE) {
                    requireWithinFanout(frame, targets.size());
                }
                yield new Draft(frame, ack(frame), targets, null);
            }
            case SESSION, UNEXPECTED -> throw new IllegalArgumentException(frame.type() + " is not a channel frame");
        };
    }

    private void requireWithinFanout(Frame frame, int recipients) throws RelayException {
        if ((long) frame.payload().length() * recipients > maxFanoutBytes) {
            throw new RelayException(Kind.TOO_LARGE, "payload × recipients exceeds " + maxFanoutBytes + " bytes");
        }
    }

    private List<String> recipients(long channel, String deviceId, Map<Long, List<String>> cache)
            throws RelayException, StorageException {
        List<String> targets = cache.get(channel);
        if (targets == null) {
            targets = members.recipients(channel, deviceId).orElseThrow(() -> notOpenOrUnknown(channel));
            cache.put(channel, targets);
        }
        return targets;
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

    /** The envelopes of each of the batch's durable frames, one per recipient, in frame order. */
    private List<List<Envelope>> envelopes(String deviceId, List<Draft> drafts, Instant now) {
        List<List<Envelope>> frames = new ArrayList<>();
        for (Draft draft : drafts) {
            if (draft.refusal() == null && durable(draft.frame())) {
                byte[] payload = draft.frame().payload().toByteArray();
                List<Envelope> envelopes = new ArrayList<>(draft.recipients().size());
                for (String recipient : draft.recipients()) {
                    envelopes.add(new Envelope(0, recipient, draft.frame().channelId(), draft.frame().type(), payload,
                            deviceId, now, now.plus(relayTtl)));
                }
                frames.add(envelopes);
            }
        }
        return frames;
    }

    /** Msg, KeyUpdate and Group* frames are queued (§4.4); the rest is never. */
    private static boolean durable(Frame frame) {
        Handling handling = Handling.of(frame.type());
        return handling == Handling.DURABLE || handling == Handling.GROUP;
    }

    /**
     * @param admissions one per durable frame that was not refused before queueing, in order
     */
    private List<Outcome> outcomes(List<Draft> drafts, List<Admission> admissions) {
        List<Outcome> outcomes = new ArrayList<>(drafts.size());
        int nextFrame = 0;
        for (Draft draft : drafts) {
            RelayException refusal = draft.refusal();
            List<Envelope> queued = List.of();
            boolean durable = durable(draft.frame());
            if (refusal == null && durable) {
                Admission admission = admissions.get(nextFrame++);
                if (admission.admitted()) {
                    queued = admission.queued();
                } else {
                    refusal = overQuota(admission);
                }
            }
            if (refusal != null) {
                listener.refused(draft.frame().type(), refusal.kind());
                outcomes.add(Outcome.refused(draft.frame(), refusal));
                continue;
            }
            listener.accepted(draft.frame().type(), draft.recipients().size());
            List<Delivery> deliveries = new ArrayList<>(draft.recipients().size());
            int next = 0;
            for (String recipient : draft.recipients()) {
                long envelopeId = durable ? queued.get(next++).id() : 0;
                deliveries.add(new Delivery(recipient, draft.frame(), envelopeId));
            }
            outcomes.add(Outcome.accepted(draft.frame(), draft.ack(), deliveries));
        }
        return outcomes;
    }

    /** Names the device (a channel peer the sender knows) and the quota, never the usage. */
    private RelayException overQuota(Admission admission) {
        return new RelayException(Kind.QUOTA_EXCEEDED, "the inbox of device " + admission.overQuota()
                + " is full (at most " + quota.maxEnvelopes() + " envelopes and " + quota.maxBytes()
                + " bytes wait for one device); nothing was queued, send again later");
    }

    private RelayException notOpenOrUnknown(long channel) {
        try {
            return channels.find(channel).isPresent() ? Membership.notOpen(channel)
                    : new RelayException(Kind.UNKNOWN_CHANNEL, "channel " + channel + " is not open");
        } catch (StorageException e) {
            return unavailable();
        }
    }

    private static RelayException unavailable() {
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
     * {@code limit} of them and, after the first, at most {@code maxBytes} of payload together
     * (ccp-1.md §4.2: the inbox is read only as fast as the device reads). An envelope whose
     * stored payload no longer parses is skipped (it expires with {@code relay_ttl}).
     */
    public Backlog pending(String deviceId, long afterId, Instant now, int limit, long maxBytes)
            throws StorageException {
        InboxPage page = inbox.pending(deviceId, afterId, now, limit, maxBytes);
        List<Delivery> deliveries = new ArrayList<>(page.envelopes().size());
        for (Envelope envelope : page.envelopes()) {
            frameOf(envelope).ifPresent(frame -> deliveries.add(new Delivery(deviceId, frame, envelope.id())));
        }
        return new Backlog(deliveries, page.more());
    }

    /** A session stopped reading its upstream for storage (metrics only). */
    public void upstreamPaused() {
        listener.upstreamPaused();
    }

    /** A live frame for a device whose reader was too far behind was dropped (metrics only). */
    public void droppedLive(FrameType type) {
        listener.droppedLive(type);
    }

    /**
     * Deletes envelopes the device acknowledged, through the group commit; the future holds how
     * many envelopes the shared transaction deleted.
     */
    public CompletableFuture<Integer> acknowledge(String deviceId, List<Long> envelopeIds) {
        return writer.acknowledge(deviceId, envelopeIds);
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
