package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.relay.Backlog;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.relay.DeliveryWindow;
import io.commucat.ccp.server.relay.Outcome;
import io.commucat.ccp.server.relay.RelayException;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel half of an established session (ccp-1.md §4.2, §4.4): the device's channel frames
 * go to storage in order, one batch at a time, and are answered with their Acks or refusals;
 * frames from other devices come in through {@link #deliver}, durable ones within the
 * {@link DeliveryWindow} until the device acknowledges them. Confined to the session's loop,
 * like the session; storage work goes to the storage executor and comes back.
 *
 * <p>Delivery is paced by the device's reading: a durable frame goes out only while its reader
 * has room ({@link SessionOutput#room()}), otherwise it stays in the inbox, and the inbox is read
 * only for as many bytes as the reader has room for; {@link #onReady()} resumes. So a device
 * behind any backlog receives all of it, as fast as it reads. Frames that are never queued go
 * out unless the reader is {@link #LIVE_SLACK} beyond its window, where they are stale anyway.
 *
 * <p>Intake is paced by storage ({@link IntakeGate}): once the device's frames waiting for
 * storage (queued plus the batch in flight) reach {@link #HIGH_WATER_FRAMES} or
 * {@link #HIGH_WATER_BYTES}, {@link #takesUpstream()} turns false and the transport stops reading
 * the device's upstream (its sender then stalls on HTTP/2 flow control or TCP); once they are down
 * to {@link #LOW_WATER_FRAMES} and {@link #LOW_WATER_BYTES}, {@link SessionOutput#resumeUpstream()}
 * asks for more. {@code busy} is left for what one chunk already read carries past the hard caps.
 */
final class SessionRelay {

    /** What the relay may do with the session it belongs to (on the session's loop). */
    interface SessionOutput {
        /** Whether the session still sends (after its end, late results are dropped). */
        boolean established();

        /** The connection's next sequence number (§4.2: one counter per connection). */
        long nextSequence();

        /** Seals and writes a frame. */
        void send(Frame frame);

        /** What the device's reader can still take ({@link Downstream#room()}). */
        long room();

        /** Storage caught up after {@link #takesUpstream()} answered false: read the device's upstream again. */
        void resumeUpstream();
    }

    private static final Logger LOG = LoggerFactory.getLogger(SessionRelay.class);
    /** Every session's inbox read fails while the database is away: throttled. */
    private static final ThrottledWarning PULL_FAILED = new ThrottledWarning(LOG);

    /**
     * Hard caps on channel frames queued for storage per session; more are refused with
     * {@code busy}, not buffered. Reached only by what one upstream chunk, read while the
     * {@link IntakeGate} was open, carries beyond the high-water mark.
     */
    static final int MAX_QUEUED_FRAMES = 1024;
    static final int MAX_QUEUED_BYTES = 8 * 1024 * 1024;
    /** Channel frames handed to storage in one batch (their envelopes share the group commit). */
    static final int MAX_BATCH = 256;
    /**
     * Frames waiting for storage (queued and in flight) at which the session stops reading its
     * upstream: half the hard caps, so the other half is left for what one chunk already read
     * can carry (an HTTP/2 DATA frame of up to max_frame_size bytes, a WebSocket message, an
     * HTTP/1.1 read), and two full batches still keep storage busy while reading is paused.
     */
    static final int HIGH_WATER_FRAMES = MAX_QUEUED_FRAMES / 2;
    static final long HIGH_WATER_BYTES = MAX_QUEUED_BYTES / 2;
    /**
     * Reading resumes at one batch waiting: the next batch commits while new frames come in, so
     * storage does not idle waiting for the sender's next round trip.
     */
    static final int LOW_WATER_FRAMES = MAX_BATCH;
    static final long LOW_WATER_BYTES = HIGH_WATER_BYTES / 2;
    /** Durable deliveries in flight to one device before it must acknowledge some. */
    static final int DELIVERY_WINDOW = 256;
    /** How far beyond its window a reader still gets live frames (typing, calls, media, presence). */
    static final long LIVE_SLACK = 1024 * 1024;

    private final ConnectServices services;
    private final Executor loop;
    private final SessionOutput session;
    private final String deviceId;
    private final String userId;
    private final DeliveryWindow window;
    private final IntakeGate intake =
            new IntakeGate(HIGH_WATER_FRAMES, HIGH_WATER_BYTES, LOW_WATER_FRAMES, LOW_WATER_BYTES);
    // Made on first use, so an idle session stays small.
    private ArrayDeque<Frame> inbound;
    private int inboundBytes;
    private boolean relayBusy;
    private List<Long> acknowledged;
    private boolean acknowledging;

    /**
     * @param deviceKnown whether the device existed before this session: one registered by this
     *     very handshake cannot have queued envelopes (it was not an active member of any channel:
     *     activity needs a join or a known user), so its session skips the first inbox read
     */
    SessionRelay(ConnectServices services, Executor loop, SessionOutput session, String deviceId, String userId,
            boolean deviceKnown) {
        this.services = services;
        this.loop = loop;
        this.session = session;
        this.deviceId = deviceId;
        this.userId = userId;
        this.window = new DeliveryWindow(DELIVERY_WINDOW, deviceKnown);
    }

    /** Retries what a saturated or failing store left undone (called every keepalive interval). */
    void retry() {
        flushAcknowledged();
        pullInbox();
        pump(); // frames a saturated executor left queued
    }

    /**
     * Whether the session reads more of the device's upstream: false while too much waits for
     * storage; {@link SessionOutput#resumeUpstream()} follows once it drained.
     */
    boolean takesUpstream() {
        return intake.isOpen();
    }

    /** Frames read and not yet finished by storage (queued plus in flight), and their peaks. */
    ConnectSession.StorageIntake intake() {
        return new ConnectSession.StorageIntake(intake.frames(), intake.bytes(), intake.peakFrames(),
                intake.peakBytes(), intake.isOpen());
    }

    /** Channel frames go to storage in order, one batch at a time; a full queue refuses rather than buffers. */
    void enqueue(Frame frame) {
        if (inbound == null) {
            inbound = new ArrayDeque<>();
        }
        // A frame is taken while the queue is below the byte cap, whatever its size: it is in
        // memory already (its bytes were read while the gate was open), and refusing a large
        // frame for the small ones queued before it would punish a sender that respects the gate.
        if (inbound.size() >= MAX_QUEUED_FRAMES || inboundBytes >= MAX_QUEUED_BYTES) {
            refuse(frame, new RelayException(RelayException.Kind.BUSY,
                    "too many frames waiting; send again after the pending Acks"));
            return;
        }
        // Queued bytes count against the node-wide budget until storage takes them.
        if (!services.buffers().reserve(frame.bodyLength())) {
            refuse(frame, new RelayException(RelayException.Kind.BUSY,
                    "server memory budget exhausted; send again later"));
            return;
        }
        inbound.add(frame);
        inboundBytes += frame.bodyLength();
        if (intake.add(frame.bodyLength())) {
            // Nothing else to do: the transport asks takesUpstream() before its next read.
            services.relay().upstreamPaused();
        }
        pump();
    }

    /** The session ended: frames that never reached storage give their budget back. */
    void close() {
        if (inbound != null) {
            while (!inbound.isEmpty()) {
                Frame frame = inbound.poll();
                inboundBytes -= frame.bodyLength();
                services.buffers().release(frame.bodyLength());
            }
        }
    }

    private void pump() {
        if (relayBusy || inbound == null || inbound.isEmpty() || !session.established()) {
            return;
        }
        List<Frame> batch = new ArrayList<>(Math.min(MAX_BATCH, inbound.size()));
        while (!inbound.isEmpty() && batch.size() < MAX_BATCH) {
            Frame frame = inbound.poll();
            inboundBytes -= frame.bodyLength();
            services.buffers().release(frame.bodyLength());
            batch.add(frame);
        }
        relayBusy = true;
        Instant now = services.clock().instant();
        try {
            CompletableFuture.supplyAsync(() -> services.relay().process(deviceId, userId, batch, now),
                            services.storageExecutor())
                    .thenCompose(committed -> committed)
                    .thenCompose(this::route)
                    .whenCompleteAsync((relayed, error) -> relayed(batch, relayed, error), loop);
        } catch (RejectedExecutionException e) {
            relayBusy = false;
            batch.forEach(frame -> refuse(frame, unavailable()));
            // No resume call: this runs inside the transport's read, which asks takesUpstream() next.
            intake.remove(batch.size(), bodyBytes(batch));
        }
    }

    private static long bodyBytes(List<Frame> frames) {
        long bytes = 0;
        for (Frame frame : frames) {
            bytes += frame.bodyLength();
        }
        return bytes;
    }

    /**
     * Once the batch committed: what goes to other nodes goes there, off the loop. When the
     * storage executor is saturated, every delivery is tried here only; the others wait in the
     * inbox, and the Acks still go out (the batch is durable).
     */
    private CompletableFuture<Relayed> route(List<Outcome> outcomes) {
        List<Delivery> deliveries = new ArrayList<>();
        outcomes.forEach(outcome -> deliveries.addAll(outcome.deliveries()));
        try {
            return CompletableFuture.supplyAsync(() -> new Relayed(outcomes, services.router().forward(deliveries)),
                    services.storageExecutor());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(new Relayed(outcomes, deliveries));
        }
    }

    /** A batch's outcomes, and the deliveries for sessions of this node. */
    private record Relayed(List<Outcome> outcomes, List<Delivery> local) {
    }

    private void relayed(List<Frame> batch, Relayed relayed, Throwable error) {
        relayBusy = false;
        boolean resume = intake.remove(batch.size(), bodyBytes(batch));
        if (error != null) {
            LOG.warn("relay failed for {}: {}", deviceId, error.toString());
            batch.forEach(frame -> refuse(frame, unavailable()));
        } else {
            // Committed work reaches its recipients even when this session ended meanwhile.
            relayed.local().forEach(services.registry()::deliver);
            for (Outcome outcome : relayed.outcomes()) {
                if (outcome.isAccepted()) {
                    if (session.established()) {
                        session.send(Frame.control(FrameType.ACK, outcome.request().channelId(),
                                session.nextSequence(), outcome.ack()));
                    }
                } else {
                    refuse(outcome.request(), outcome.refusal());
                }
            }
        }
        pump();
        if (resume && session.established()) {
            session.resumeUpstream();
        }
    }

    private static RelayException unavailable() {
        return new RelayException(RelayException.Kind.UNAVAILABLE, "storage unavailable, retry later");
    }

    /** §4.5: a semantic error is answered and the session goes on. */
    private void refuse(Frame frame, RelayException refusal) {
        if (session.established()) {
            ObjectNode body = ControlJson.object();
            body.put("error", refusal.kind().wire());
            body.put("detail", refusal.detail());
            body.put("ack", frame.sequence());
            session.send(Frame.control(FrameType.ERROR, frame.channelId(), session.nextSequence(), body));
        }
    }

    /** On this session's loop: a frame from another device, numbered from this connection's counter. */
    void deliver(Delivery delivery) {
        if (!session.established()) {
            return;
        }
        long room = session.room();
        if (!delivery.durable()) {
            if (room > -LIVE_SLACK) {
                session.send(delivery.frame().withSequence(session.nextSequence()));
            } else {
                services.relay().droppedLive(delivery.frame().type());
            }
        } else {
            switch (window.offerLive(delivery.envelopeId(), room > 0)) {
                case SEND -> sendDurable(delivery);
                // Deferred behind a backlog: make sure a pull is under way, or it would wait for
                // the next Ack, reader drain or keepalive retry (a pull that failed while the
                // database was away leaves the backlog with nothing scheduled to read it).
                case DEFERRED -> pullInbox();
                case DUPLICATE -> {
                }
            }
        }
    }

    /** Envelopes may sit in the inbox that no live delivery announced: read it again (in order with live ones). */
    void inboxMayHoldMore() {
        window.mayHoldMore();
        pullInbox();
    }

    /** The device's reader drained its window: what waits in the inbox may go on. */
    void onReady() {
        pullInbox();
    }

    private void sendDurable(Delivery delivery) {
        long sequence = session.nextSequence();
        window.sent(sequence, delivery.envelopeId());
        session.send(delivery.frame().withSequence(sequence));
    }

    /**
     * Reads queued envelopes (an earlier session's leftovers, or what did not fit the window),
     * no more than the reader has room for; with none, {@link #onReady()} comes back here.
     */
    void pullInbox() {
        if (!session.established() || !window.shouldPull()) {
            return;
        }
        long room = session.room();
        if (room <= 0) {
            return;
        }
        int limit = window.startPull();
        long afterId = window.cursor();
        Instant now = services.clock().instant();
        try {
            CompletableFuture.supplyAsync(() -> {
                try {
                    return services.relay().pending(deviceId, afterId, now, limit, room);
                } catch (StorageException e) {
                    throw new CompletionException(e);
                }
            }, services.storageExecutor()).whenCompleteAsync(this::pulled, loop);
        } catch (RejectedExecutionException e) {
            window.pullFailed();
        }
    }

    /**
     * The bootstrap's read of the inbox ({@link FirstRead}) as this session's first pull;
     * {@code missed}: a live delivery may have come between that read and the registration, so
     * the inbox is read again after it.
     */
    void firstPull(Backlog page, boolean missed) {
        window.startPull();
        if (missed) {
            window.mayHoldMore();
        }
        pulled(page, null);
    }

    private void pulled(Backlog backlog, Throwable error) {
        if (!session.established()) {
            return;
        }
        if (error != null) {
            window.pullFailed();
            PULL_FAILED.warn("inbox read failed for {}: {}", deviceId, error.toString());
            return;
        }
        for (Delivery delivery : backlog.deliveries()) {
            if (window.offerPulled(delivery.envelopeId(), session.room() > 0)) {
                sendDurable(delivery);
            }
        }
        window.pullDone(backlog.more());
        pullInbox();
    }

    /** §4.2 Deviation: the device's Ack of a delivered envelope deletes it from the inbox. */
    void onDeviceAck(Frame frame) {
        JsonNode ack = frame.control().json().get("ack");
        if (ack == null || !ack.canConvertToExactIntegral() || !ack.canConvertToLong()) {
            return;
        }
        long envelopeId = window.acknowledge(ack.longValue());
        if (envelopeId == 0) {
            return; // Not a durable delivery in flight (already acknowledged, or never sent).
        }
        if (acknowledged == null) {
            acknowledged = new ArrayList<>();
        }
        acknowledged.add(envelopeId);
        flushAcknowledged();
        pullInbox();
    }

    /** Deletes acknowledged envelopes, one batch at a time; runs on even after the session ended. */
    private void flushAcknowledged() {
        if (acknowledging || acknowledged == null || acknowledged.isEmpty()) {
            return;
        }
        List<Long> ids = acknowledged;
        acknowledged = new ArrayList<>();
        acknowledging = true;
        services.relay().acknowledge(deviceId, ids).whenCompleteAsync((deleted, error) -> {
            acknowledging = false;
            if (error == null) {
                window.deleted(ids);
                flushAcknowledged();
            } else {
                // Kept for the next refresh; if the session ends first, the envelopes are
                // delivered again on the next connection (at-least-once).
                LOG.warn("inbox delete failed for {}: {}", deviceId, error.toString());
                acknowledged.addAll(ids);
            }
        }, loop);
    }
}
