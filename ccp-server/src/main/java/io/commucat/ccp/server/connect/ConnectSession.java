package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.noise.NoiseException;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.relay.Handling;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /connect} stream, whatever its transport: first a {@link DeviceBootstrap} (Hello →
 * Auth → Auth → Ack, ccp-1.md §3), then the encrypted established session (§4) on the
 * {@link EstablishedStream} it hands over: the channel relay ({@link SessionRelay}), presence
 * ({@link SessionPresence}), replacement by a newer session of the device and revocation. While
 * established it is on the node's {@link KeepaliveSchedule}: the {@link KeepaliveRefresher}
 * refreshes its session row, presence and route with the other sessions due at the same tick;
 * its end joins the node's {@link SessionEnds}, which the {@link SessionEndRecorder} records in
 * batches (presence cleared, {@code last_seen}).
 * Transport adapters feed it upstream bytes and give it a {@link Downstream}; it never sees Netty.
 *
 * <p>Threading: every method runs on the stream's event loop ({@code loop}), one at a time,
 * except {@link #live()} and {@link #republishPresence()}; the registry and the keepalive round
 * reach a session from other threads only through {@link #onLoop}. Blocking storage
 * work goes to {@link ConnectServices#storageExecutor()} and its result comes back to the loop.
 * Noise work runs on the loop: it is CPU only and keeps a session's work in order.
 */
public final class ConnectSession implements ConnectStream {

    /** Where the session is in its life. */
    public enum State {
        AWAIT_HELLO("hello"),
        RESOLVING("hello"),
        AWAIT_CLIENT_AUTH("await_client"),
        ESTABLISHING("await_client"),
        ESTABLISHED("established"),
        CLOSED("closed");

        private final String stage;

        State(String stage) {
            this.stage = stage;
        }

        /** The stage name of ccp-1.md §4.5. */
        public String stage() {
            return stage;
        }
    }

    /** Who drives the stream: the bootstrap (whose states are the first four), then the session itself. */
    private enum Phase {
        BOOTSTRAPPING,
        ESTABLISHED,
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConnectSession.class);
    /** Per session while Redis is away: throttled. */
    private static final ThrottledWarning PRESENCE_FAILED = new ThrottledWarning(LOG);
    /** Per session when thousands end at once (a load balancer drains): throttled. */
    private static final ThrottledWarning SATURATED = new ThrottledWarning(LOG);

    private final ConnectServices services;
    private final Downstream downstream;
    private final ScheduledExecutorService loop;
    private final String remoteAddress;

    /** Written on the loop; volatile for {@link #republishPresence}, which runs elsewhere. */
    private volatile Phase phase = Phase.BOOTSTRAPPING;
    /** Until established; a bootstrap that failed stays, for what it learnt of the device. */
    private DeviceBootstrap bootstrap;

    /**
     * The device at stage {@code established}; set before the session is registered, and read
     * by the session that replaces it, on that session's loop.
     */
    private volatile HandshakeReport device;
    /** Its session row's key; written before the session joins the keepalive schedule. */
    private volatile String tokenHash;
    /**
     * When the device's Auth completed the handshake; orders this session against one on another
     * node. Written once on the loop before the keepalive starts; read by refreshes off it.
     */
    private volatile Instant authenticatedAt;
    private SecureFrameStream secure;
    private SessionPresence presence;
    private long nextSequence;
    /** Written on the loop; volatile for {@link #republishPresence}. */
    private volatile String presenceState = SessionPresence.ONLINE;
    /** Its place in the node's keepalive round, while established. */
    private KeepaliveSchedule<ConnectSession>.Entry keepalive;
    /** The channel half (§4.2, §4.4), made at establishment. */
    private SessionRelay relay;

    public ConnectSession(ConnectServices services, Downstream downstream, ScheduledExecutorService loop,
            String remoteAddress) {
        this.services = services;
        this.downstream = downstream;
        this.loop = loop;
        this.remoteAddress = remoteAddress;
        this.bootstrap = new DeviceBootstrap(services, downstream, loop, remoteAddress, new BootstrapOutcome());
    }

    public State state() {
        return switch (phase) {
            case BOOTSTRAPPING -> bootstrap.state();
            case ESTABLISHED -> State.ESTABLISHED;
            case CLOSED -> State.CLOSED;
        };
    }

    /** The device id once the Hello was read. */
    public Optional<String> deviceId() {
        return bootstrap != null ? bootstrap.deviceId() : Optional.of(device.deviceId());
    }

    // ---- upstream events (on the loop) ----

    /** Upstream bytes, in order, in any chunking. */
    @Override
    public void onBytes(byte[] data, int off, int len) {
        switch (phase) {
            case BOOTSTRAPPING -> bootstrap.onBytes(data, off, len);
            case ESTABLISHED -> establishedBytes(data, off, len);
            case CLOSED -> {
                // Late bytes after the end are dropped.
            }
        }
    }

    /** The device finished its request body. */
    @Override
    public void onUpstreamEnd() {
        switch (phase) {
            case BOOTSTRAPPING -> bootstrap.onUpstreamEnd();
            case ESTABLISHED -> {
                try {
                    secure.endOfStream();
                } catch (CodecException e) {
                    decodeFailed(e);
                    return;
                }
                close(SessionEnd.CLIENT_CLOSED);
            }
            case CLOSED -> {
                // Nothing is due.
            }
        }
    }

    /** The transport is gone (reset, connection lost, liveness timeout). */
    @Override
    public void onTransportClosed() {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (phase == Phase.BOOTSTRAPPING) {
            bootstrap.onTransportClosed();
        }
        finish(SessionEnd.TRANSPORT_CLOSED);
    }

    /** The transport cut the stream: the device stopped reading (§4.2 receiver pacing). */
    @Override
    public void onReaderStalled() {
        if (phase == Phase.ESTABLISHED) {
            finish(SessionEnd.STALLED_READER);
        } else {
            onTransportClosed();
        }
    }

    /** A newer session of the same device took over (called on this session's loop). */
    void replaced() {
        if (phase == Phase.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "session_replaced", "a newer session of this device connected", null));
        }
        close(SessionEnd.REPLACED);
    }

    /**
     * Another node has a session of this device, established at {@code since}, and took its
     * route from this node (called on this session's loop). An older session here ends. A newer
     * one is the device's current session: the other is a bootstrap that finished after the
     * device had given up on it, and frames routed there meanwhile wait in the inbox. This one
     * takes the route back, then reads its inbox again (in that order, as after a Redis restart).
     */
    void replacedIfOlderThan(Instant since) {
        if (phase != Phase.ESTABLISHED) {
            return;
        }
        if (!authenticatedAt.isAfter(since)) {
            // Older, or (never in practice) as old: ending this one cannot make two sessions
            // take the route from each other in turn.
            replaced();
            return;
        }
        LOG.info("an older session of {} elsewhere took its route; taking it back", device.deviceId());
        offLoop(() -> {
            try {
                republishPresence();
            } catch (StorageException e) {
                PRESENCE_FAILED.warn("presence refresh failed for {}: {}", device.deviceId(), e.getMessage());
            }
            inboxMayHoldMore();
        });
    }

    /** The device was revoked (called on this session's loop): tell it, then end the stream. */
    void revoked() {
        if (phase == Phase.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "revoked", "device revoked", null));
        }
        close(SessionEnd.REVOKED);
    }

    /** The device's reader drained its window after the session found no room (see {@link Downstream#room()}). */
    @Override
    public void onReady() {
        if (phase == Phase.ESTABLISHED) {
            relay.onReady();
        }
    }

    /** Storage back-pressure: while established, only while the relay's frames waiting for storage are below the mark. */
    @Override
    public boolean wantsUpstream() {
        return phase != Phase.ESTABLISHED || relay.takesUpstream();
    }

    /**
     * The device's channel frames this session read and storage has not finished (queued plus
     * in flight), the most ever at once, and whether upstream is read.
     */
    public record StorageIntake(int frames, long bytes, int peakFrames, long peakBytes, boolean reading) {
    }

    /** Any thread (diagnostics, tests): the relay's {@link StorageIntake}, read on the session's loop; empty unless established. */
    public CompletableFuture<Optional<StorageIntake>> storageIntake() {
        CompletableFuture<Optional<StorageIntake>> result = new CompletableFuture<>();
        onLoop(() -> result.complete(phase == Phase.ESTABLISHED ? Optional.of(relay.intake()) : Optional.empty()));
        return result;
    }

    /** The server is shutting down: tell the device and end the stream. */
    @Override
    public void shutdown() {
        if (phase == Phase.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "shutdown", "server is shutting down", null));
        }
        close(SessionEnd.SHUTDOWN);
    }

    // ---- establishment ----

    /** The bootstrap's end, as this session hears it. */
    private final class BootstrapOutcome implements DeviceBootstrap.Outcome {
        @Override
        public void established(EstablishedStream stream) {
            ConnectSession.this.established(stream);
        }

        @Override
        public void failed() {
            close(SessionEnd.SERVER_CLOSED);
        }
    }

    /** The Ack is out: register, take over from an older session, start the keepalive and the relay. */
    private void established(EstablishedStream stream) {
        bootstrap = null;
        phase = Phase.ESTABLISHED;
        device = stream.device();
        tokenHash = SessionTokens.hash(stream.token());
        authenticatedAt = stream.authenticatedAt();
        secure = stream.frames();
        presence = stream.presence();
        nextSequence = stream.nextSequence();
        String deviceId = device.deviceId();
        ConnectSession previous = services.registry().register(deviceId, this);
        FirstRead firstRead = stream.firstRead();
        boolean missed = firstRead != null && services.registry().arrived(deviceId, firstRead.arrival());
        services.listener().established(device);
        if (previous != null && previous != this) {
            services.listener().replaced(device, previous.device.sessionId());
            previous.loop.execute(previous::replaced);
        }
        if (services.registry().recentlyRevoked(deviceId)) {
            // Revoked after its resolution found the device active: the revocation missed this
            // session while it was not registered yet.
            revoked();
            return;
        }
        relay = new SessionRelay(services, loop, new Output(), deviceId, device.userId(), device.deviceKnown());
        keepalive = services.keepalive().add(this);
        if (firstRead != null && firstRead.page() != null) {
            relay.firstPull(firstRead.page(), missed);
        } else {
            relay.pullInbox();
        }
        byte[] pending = stream.leftover();
        if (pending.length > 0) {
            establishedBytes(pending, 0, pending.length);
        }
        if (stream.upstreamEnded() && phase == Phase.ESTABLISHED) {
            close(SessionEnd.CLIENT_CLOSED);
        }
    }

    // ---- established (§4) ----

    private void establishedBytes(byte[] data, int off, int len) {
        try {
            secure.open(data, off, len, this::establishedFrame);
        } catch (CodecException e) {
            decodeFailed(e);
        } catch (NoiseException e) {
            // §4.1: a decryption failure ends the session; nothing can be said to this peer (the
            // transport is closed), nor after the budget refused a split record's buffer.
            close(e.kind() == NoiseException.Kind.BUFFER_REFUSED ? SessionEnd.BUFFER_BUDGET
                    : SessionEnd.DECRYPTION_FAILURE);
        }
    }

    private boolean establishedFrame(Frame frame) {
        if (phase != Phase.ESTABLISHED) {
            return false;
        }
        switch (Handling.of(frame.type())) {
            case SESSION -> {
                if (frame.type() == FrameType.PRESENCE) {
                    onPresence(frame);
                } else if (frame.type() == FrameType.ACK) {
                    relay.onDeviceAck(frame);
                }
                // A device's Error gets no answer (§4.2).
            }
            case UNEXPECTED -> sendEncrypted(errorFrame(frame.channelId(), "unexpected_frame",
                    "the session is already established", frame.sequence()));
            default -> relay.enqueue(frame);
        }
        return true;
    }

    /**
     * §4.5: a codec error after the bootstrap ends the session after an encrypted Error; a
     * buffer the node's budget refused is answered {@code busy} instead (the peer did no wrong).
     */
    private void decodeFailed(CodecException e) {
        if (phase != Phase.ESTABLISHED) {
            return;
        }
        if (e.kind() == CodecException.Kind.BUFFER_REFUSED) {
            // The node's budget, not the device, is short: only this session ends (NodeBufferBudget logs).
            sendEncrypted(errorFrame(0, "busy", "server memory budget exhausted; reconnect later", null));
            close(SessionEnd.BUFFER_BUDGET);
            return;
        }
        sendEncrypted(errorFrame(0, "decode", null, null));
        close(SessionEnd.DECODE_ERROR);
    }

    // ---- channels, relay and presence (§4.2–4.4) ----

    /** Runs {@code work} on this session's loop; dropped when the loop is shutting down. */
    void onLoop(Runnable work) {
        try {
            loop.execute(work);
        } catch (RejectedExecutionException e) {
            LOG.debug("loop of {} is shutting down; work dropped", deviceId().orElse("?"));
        }
    }

    /** On this session's loop: a frame from another device. */
    void deliver(Delivery delivery) {
        if (phase == Phase.ESTABLISHED) {
            relay.deliver(delivery);
        }
    }

    /**
     * Blocking, off the loop: rewrites the device's snapshot and its route to this node now, as
     * the keepalive round does, unless the session has ended or was replaced meanwhile (it must
     * not take the route back from a newer session elsewhere).
     */
    public void republishPresence() throws StorageException {
        new RouteTakeover(services).takeOver(List.of(this));
    }

    /**
     * Any thread: what the node's periodic storage work needs of this session, or null unless it
     * is established and still its device's current session here (a replaced session must not
     * take the route back from its successor, here or elsewhere).
     */
    LiveSession live() {
        HandshakeReport report = device;
        if (phase != Phase.ESTABLISHED || report == null || services.registry().find(report.deviceId()) != this) {
            return null;
        }
        return new LiveSession(this, report.deviceId(), report.userId(), presenceState, tokenHash, authenticatedAt);
    }

    /** The loop this session runs on (the keepalive round groups its work per loop). */
    Executor loop() {
        return loop;
    }

    /**
     * On the loop, at the session's keepalive turn: the relay retries what a saturated or
     * failing store left undone (the storage half of the turn is the {@link KeepaliveRefresher}'s).
     */
    void keepaliveRetry() {
        if (phase == Phase.ESTABLISHED) {
            relay.retry();
        }
    }

    /**
     * Any thread: the inbox may hold envelopes that no live delivery announced (the bus lost
     * them, or their senders found no route); the session reads it again, and live deliveries
     * wait behind that read so the device still gets each sender's frames in order.
     */
    public void inboxMayHoldMore() {
        onLoop(() -> {
            if (phase == Phase.ESTABLISHED) {
                relay.inboxMayHoldMore();
            }
        });
    }

    /** §4.3: a state change republishes the snapshot and reaches the channel peers; no Ack. */
    private void onPresence(Frame frame) {
        String requested = frame.control().text("state");
        presenceState = requested == null || requested.isBlank() || requested.length() > 64 ? SessionPresence.ONLINE
                : requested;
        presence.announce(services.clock().instant(), presenceState);
    }

    // ---- output and endings ----

    /** The session as its relay half sees it. */
    private final class Output implements SessionRelay.SessionOutput {
        @Override
        public boolean established() {
            return phase == Phase.ESTABLISHED;
        }

        @Override
        public long nextSequence() {
            return ConnectSession.this.nextSequence();
        }

        @Override
        public void send(Frame frame) {
            sendEncrypted(frame);
        }

        @Override
        public long room() {
            return downstream.room();
        }

        @Override
        public void resumeUpstream() {
            downstream.resumeUpstream();
        }
    }

    private long nextSequence() {
        return nextSequence++;
    }

    private void sendEncrypted(Frame frame) {
        try {
            downstream.write(frame, secure.seal(frame));
        } catch (NoiseException e) {
            close(SessionEnd.ENCRYPTION_FAILURE);
        }
    }

    private Frame errorFrame(long channel, String error, String detail, Long ack) {
        ObjectNode body = ControlJson.object();
        body.put("error", error);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (ack != null) {
            body.put("ack", ack);
        }
        return Frame.control(FrameType.ERROR, channel, nextSequence(), body);
    }

    /** Ends the stream: the downstream is closed and everything the session holds is released. */
    public void close() {
        close(SessionEnd.SERVER_CLOSED);
    }

    private void close(SessionEnd reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        finish(reason);
        downstream.close();
    }

    private void finish(SessionEnd reason) {
        boolean wasEstablished = phase == Phase.ESTABLISHED;
        if (wasEstablished) {
            services.listener().ended(device, reason);
        } else {
            bootstrap.abandon();
        }
        phase = Phase.CLOSED;
        if (keepalive != null) {
            keepalive.cancel();
        }
        if (secure != null) {
            secure.close(); // also gives back the buffer of an unfinished frame
        }
        if (relay != null) {
            relay.close();
        }
        if (wasEstablished) {
            // Only the device's current session clears its presence: a replaced session shares
            // the node id with its successor, so clearing would erase the live entry.
            boolean current = services.registry().unregister(device.deviceId(), this);
            SessionEnds.Ended end = new SessionEnds.Ended(device.deviceId(), current, services.clock().instant());
            if (!services.sessionEnds().offer(end)) {
                // The recorder is a full queue behind, or stopped: this end is recorded on its own.
                offLoop(() -> SessionEndRecorder.record(services, List.of(end)));
            }
        }
    }

    /**
     * Best-effort storage work (a route taken back; an end the {@link SessionEndRecorder} could
     * not take); when the executor is saturated, the keepalive round or the presence TTL makes
     * up for it.
     */
    private void offLoop(Runnable work) {
        try {
            services.storageExecutor().execute(work);
        } catch (RejectedExecutionException e) {
            SATURATED.warn("storage executor saturated; presence work for {} dropped", deviceId().orElse("?"));
        }
    }

    @Override
    public String toString() {
        return "ConnectSession[" + state() + ", device=" + deviceId().orElse("?") + ", remote=" + remoteAddress + "]";
    }
}
