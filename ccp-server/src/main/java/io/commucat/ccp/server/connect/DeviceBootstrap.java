package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.noise.NoiseException;
import io.commucat.ccp.crypto.noise.NoiseHandshake;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.crypto.noise.SecureFrameStream;
import io.commucat.ccp.crypto.proof.HandshakeVerifier;
import io.commucat.ccp.crypto.proof.ProofContext;
import io.commucat.ccp.crypto.proof.ProofException;
import io.commucat.ccp.proto.CodecException;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameCodec;
import io.commucat.ccp.proto.FrameLimits;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.connect.ConnectSession.State;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.HelloRequest;
import io.commucat.ccp.server.handshake.Resolution;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of the CCP-1 bootstrap (ccp-1.md §3), the counterpart of the SDK's
 * {@code DeviceHandshake}: Hello → Auth → Auth → Ack in plain frames, the Noise handshake, the
 * device's resolution and the session's records. It ends in one of two ways, told to its
 * {@link Outcome}: the Ack is written and an {@link EstablishedStream} is handed over, or the
 * device is refused (a plain {@code Error} on channel 0 when there is something to say, §4.5) and
 * the failure reported to the {@link HandshakeListener}.
 *
 * <p>States, a subset of the session's: {@code AWAIT_HELLO} → {@code RESOLVING} (storage) →
 * {@code AWAIT_CLIENT_AUTH} → {@code ESTABLISHING} (storage) → {@code ESTABLISHED} (handed over),
 * or {@code CLOSED} from any of them. A Hello deadline, then a bootstrap deadline, bounds the
 * whole.
 *
 * <p>Threading: confined to the stream's event loop ({@code loop}), like its session. Blocking
 * storage work goes to {@link ConnectServices#storageExecutor()} and its result comes back to the
 * loop; upstream bytes that arrive meanwhile are held (at most {@link #MAX_HELD_BYTES}) and read
 * in order once it is back. Proof and Noise work run on the loop: CPU only, in order.
 */
final class DeviceBootstrap {

    /**
     * How a bootstrap ends by itself; called on the loop, at most once, and never after the
     * session ended it ({@link #onTransportClosed()}, {@link #abandon()}).
     */
    interface Outcome {
        /** The Ack is written: the stream is the session's from now on. */
        void established(EstablishedStream stream);

        /** The device was refused or went silent; its Error is written and its failure reported. */
        void failed();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeviceBootstrap.class);
    /** Every bootstrap while Redis is away: throttled. */
    private static final ThrottledWarning NO_PRESENCE = new ThrottledWarning(LOG);
    /** Every known device's bootstrap while the database is away: throttled. */
    private static final ThrottledWarning FIRST_READ_FAILED = new ThrottledWarning(LOG);

    /** Bootstrap frames are small; a peer gets no 16 MiB buffer before it proved anything. */
    static final FrameLimits LIMITS = new FrameLimits(64 * 1024, 64 * 1024, 64 * 1024);
    /** Bytes held while storage work is in flight; an honest device sends nothing then. */
    static final int MAX_HELD_BYTES = 256 * 1024;

    private final ConnectServices services;
    private final Downstream downstream;
    private final ScheduledExecutorService loop;
    private final String remoteAddress;
    private final Outcome outcome;

    private State state = State.AWAIT_HELLO;
    private final StreamingFrameDecoder decoder = new StreamingFrameDecoder(LIMITS);
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean upstreamEnded;
    private long nextSequence = 1;

    private HelloRequest hello;
    private long helloChannel;
    private NoiseHandshake noise;
    private ActiveNoiseKey noiseKey;
    private Resolution resolution;
    private String token;
    private String sessionId;
    private SecureFrameStream secure;
    private Instant authenticatedAt;
    private SessionPresence presence;
    /** Written by the storage task, read on the loop after it (ordered by its future). */
    private FirstRead firstRead;
    /** When the stream opened, for the bootstrap deadline. */
    private final long openedNanos = System.nanoTime();
    /** Hello deadline until the Hello, then the bootstrap deadline until established or closed. */
    private ScheduledFuture<?> deadline;
    /** The deadline passed while the device's resolution was in flight: fail once it is back (and reported). */
    private boolean overdue;

    DeviceBootstrap(ConnectServices services, Downstream downstream, ScheduledExecutorService loop,
            String remoteAddress, Outcome outcome) {
        this.services = services;
        this.downstream = downstream;
        this.loop = loop;
        this.remoteAddress = remoteAddress;
        this.outcome = outcome;
        armDeadline(services.policy().helloTimeout());
    }

    State state() {
        return state;
    }

    /** The device id once the Hello was read. */
    Optional<String> deviceId() {
        return Optional.ofNullable(hello).map(HelloRequest::deviceId);
    }

    // ---- upstream events ----

    /** Upstream bytes, in order, in any chunking. */
    void onBytes(byte[] data, int off, int len) {
        switch (state) {
            case AWAIT_HELLO, AWAIT_CLIENT_AUTH -> read(ByteBuffer.wrap(data, off, len));
            case RESOLVING, ESTABLISHING -> hold(data, off, len);
            default -> {
                // Over: late bytes are dropped.
            }
        }
    }

    /** The device finished its request body. */
    void onUpstreamEnd() {
        upstreamEnded = true;
        if (state == State.AWAIT_HELLO || state == State.AWAIT_CLIENT_AUTH) {
            try {
                decoder.endOfStream();
            } catch (CodecException e) {
                // §2: a frame cut by the end of the stream is an unexpected end, answered as any codec error.
                fail("decode", null, true);
                return;
            }
            fail("client-closed", null, false);
        }
        // RESOLVING / ESTABLISHING: handled when the storage work comes back.
    }

    /** The transport is gone: reported as the device closing, nothing more is written. */
    void onTransportClosed() {
        if (isOver()) {
            return;
        }
        report("client-closed", null);
        release();
    }

    /** The session ends the stream for its own reason (shutdown, close): nothing reported. */
    void abandon() {
        release();
    }

    // ---- Hello (§3.2) ----

    private void read(ByteBuffer bytes) {
        try {
            decoder.decode(bytes, this::onFrame);
        } catch (CodecException e) {
            fail("decode", null, true);
            return;
        }
        if (state == State.RESOLVING || state == State.ESTABLISHING) {
            // The frame that started storage work may have arrived with more bytes: keep them.
            hold(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
    }

    /** One plain frame; returns whether the decoder goes on (only while a frame is awaited). */
    private boolean onFrame(Frame frame) {
        try {
            if (state == State.AWAIT_HELLO) {
                if (frame.type() != FrameType.HELLO) {
                    throw HandshakeException.invalid("expected Hello");
                }
                onHello(frame);
            } else {
                if (frame.type() != FrameType.AUTH) {
                    throw HandshakeException.invalid("expected Auth");
                }
                onClientAuth(frame);
            }
        } catch (HandshakeException e) {
            fail("handshake", e, false);
        }
        return state == State.AWAIT_HELLO || state == State.AWAIT_CLIENT_AUTH;
    }

    /** §3.2 steps 1–5 on the loop, then 6–9 off it. */
    private void onHello(Frame frame) throws HandshakeException {
        armDeadline(services.policy().bootstrapTimeout().minusNanos(System.nanoTime() - openedNanos));
        helloChannel = frame.channelId();
        hello = HelloRequest.parse(frame.control().json());
        ProofContext context = new ProofContext(services.policy().domain(), hello.deviceId(), hello.devicePublic(),
                hello.clientStatic());
        try {
            HandshakeVerifier.verify(context, hello.proof());
        } catch (ProofException e) {
            throw HandshakeException.invalid("invalid device proof");
        }
        readNoiseMessage1();
        state = State.RESOLVING;
        Instant now = services.clock().instant();
        try {
            CompletableFuture.supplyAsync(() -> {
                try {
                    return services.resolver().resolve(hello, now, ClientAddress.parse(remoteAddress));
                } catch (HandshakeException e) {
                    throw new CompletionException(e);
                }
            }, services.storageExecutor()).whenCompleteAsync(this::resolved, loop);
        } catch (RejectedExecutionException e) {
            throw busy();
        }
    }

    /** The storage executor's queue is full: refuse now rather than queue without bound. */
    private static HandshakeException busy() {
        return new HandshakeException(HandshakeException.Kind.UNAVAILABLE, "server busy, retry later");
    }

    /** Step 5: the newest active key that reads message 1. */
    private void readNoiseMessage1() throws HandshakeException {
        byte[] prologue = services.policy().prologue();
        for (ActiveNoiseKey key : services.noiseKeys().active(services.clock().instant())) {
            NoiseHandshake candidate = NoiseHandshake.responder(hello.pattern(), key.keyPair(), prologue);
            try {
                candidate.readMessage(hello.handshake());
            } catch (NoiseException e) {
                continue;
            }
            if (hello.pattern() == NoisePattern.IK) {
                requireBoundStatic(candidate);
            }
            noise = candidate;
            noiseKey = key;
            return;
        }
        throw HandshakeException.invalid("invalid noise handshake");
    }

    /** Deviation (§3.4): the Noise-authenticated static must be the {@code client_static} the proof binds. */
    private void requireBoundStatic(NoiseHandshake handshake) throws HandshakeException {
        byte[] remote = handshake.remoteStatic().orElseThrow(() -> HandshakeException.invalid("noise static missing"));
        if (!MessageDigest.isEqual(remote, hello.clientStatic())) {
            throw HandshakeException.invalid("client_static does not match the noise static key");
        }
    }

    private void resolved(Resolution result, Throwable error) {
        if (state != State.RESOLVING) {
            return; // closed meanwhile
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException ? error.getCause() : error;
            HandshakeException failure = cause instanceof HandshakeException h ? h
                    : new HandshakeException(HandshakeException.Kind.UNAVAILABLE, "storage failure", cause);
            fail("handshake", failure, false);
            return;
        }
        resolution = result;
        token = services.tokens().newToken();
        sessionId = SessionTokens.sessionId(token);
        services.listener().resolved(report(), result);
        if (overdue) {
            timedOut();
            return;
        }
        try {
            sendServerAuth();
        } catch (NoiseException e) {
            fail("handshake", HandshakeException.invalid("invalid noise handshake"), false);
            return;
        }
        state = State.AWAIT_CLIENT_AUTH;
        releaseHeld();
    }

    /** Step 10 and §3.3: Noise message 2, carried by the server's Auth. */
    private void sendServerAuth() throws NoiseException {
        byte[] message2 = noise.writeMessage(ControlJson.write(
                BootstrapMessages.serverPayload(token, services.policy().domain(), hello, resolution.user())));
        sendPlain(Frame.control(FrameType.AUTH, helloChannel, nextSequence++, BootstrapMessages.serverAuth(token, hello,
                message2, noiseKey, services.caPublicKey(), resolution)));
    }

    // ---- the device's Auth and the Ack (§3.4) ----

    /** XK message 3 or IK key confirmation, the static binding, then storage work. */
    private void onClientAuth(Frame frame) throws HandshakeException {
        String hex = frame.control().text("handshake");
        if (hex == null) {
            throw HandshakeException.invalid("handshake is required");
        }
        byte[] message;
        try {
            message = Hex.decode(hex);
        } catch (IllegalArgumentException e) {
            throw HandshakeException.invalid("handshake must be hex");
        }
        try {
            if (noise.state() == NoiseHandshake.State.READ) {
                noise.readMessage(message);
                requireBoundStatic(noise);
                secure = new SecureFrameStream(noise.split(), FrameLimits.DEFAULT, services.buffers());
            } else {
                var transport = noise.split();
                transport.decrypt(message);
                secure = new SecureFrameStream(transport, FrameLimits.DEFAULT, services.buffers());
            }
        } catch (NoiseException e) {
            throw HandshakeException.invalid("invalid noise handshake");
        }
        // The handshake state (digests, HMAC, ephemeral keys) is done with: an idle session keeps
        // only its transport.
        noise = null;
        state = State.ESTABLISHING;
        Instant now = services.clock().instant();
        authenticatedAt = now;
        presence = new SessionPresence(services, hello.deviceId(), resolution.user().id());
        long room = downstream.room();
        try {
            CompletableFuture.runAsync(() -> recordEstablished(now, room), services.storageExecutor())
                    .whenCompleteAsync((ok, error) -> established(error), loop);
        } catch (RejectedExecutionException e) {
            throw busy();
        }
    }

    /**
     * Off the loop: session record with the device's last seen (one commit), route, presence
     * (§3.4 "Then the session is Established"), and a known device's first inbox page, read
     * with up to {@code room} bytes of payload (what its reader could take at its Auth).
     */
    private void recordEstablished(Instant now, long room) {
        try {
            services.sessions().start(new SessionRecord(SessionTokens.hash(token), hello.deviceId(),
                    resolution.user().id(), now, now.plus(services.policy().connectionKeepalive()), services.nodeId()));
        } catch (StorageException e) {
            throw new CompletionException(e);
        }
        try {
            // Take the route, then tell its previous holder (Router#announceSession): its older
            // session ends, or its newer one takes the route back. A route read before and
            // written after could overwrite a newer session's route unnoticed: a bootstrap that
            // finishes after its device gave up on it and connected elsewhere (a slow node,
            // one shutting down) then left that session unreachable by frames from other nodes
            // until its next keepalive refresh, their frames waiting in its inbox.
            Optional<String> previous = presence.takeOver(now, SessionPresence.ONLINE);
            previous.ifPresent(node -> services.router().announceSession(hello.deviceId(), node, now));
        } catch (StorageException e) {
            // Presence and routes are soft state: while Redis is away the device still talks to
            // the devices of this node and gets its inbox; the route is written when Redis is
            // back (PresenceRebuild) or at the next keepalive refresh.
            NO_PRESENCE.warn("session of {} established without presence: {}", hello.deviceId(), e.getMessage());
        }
        if (resolution.deviceKnown()) {
            // After the route: a frame committed from here on either is in this read or is
            // delivered live, and a live delivery before the session registers marks the arrival.
            SessionRegistry.Arrival arrival = services.registry().expect(hello.deviceId());
            firstRead = new FirstRead(arrival, null); // a failed read: the session reads again once registered
            try {
                firstRead = new FirstRead(arrival, services.relay().pending(hello.deviceId(), 0,
                        services.clock().instant(), SessionRelay.DELIVERY_WINDOW, Math.max(1, room)));
            } catch (StorageException e) {
                FIRST_READ_FAILED.warn("first inbox read of {} failed: {}", hello.deviceId(), e.getMessage());
            }
        }
    }

    private void established(Throwable error) {
        if (state != State.ESTABLISHING || error != null) {
            if (firstRead != null) {
                services.registry().abandon(hello.deviceId(), firstRead.arrival());
                firstRead = null;
            }
        }
        if (state != State.ESTABLISHING) {
            return;
        }
        if (error != null) {
            fail("handshake", new HandshakeException(HandshakeException.Kind.UNAVAILABLE, "storage failure", error),
                    false);
            return;
        }
        sendPlain(Frame.control(FrameType.ACK, helloChannel, nextSequence++, BootstrapMessages.ack(token, resolution,
                noiseKey, services.caPublicKey(), services.policy().keepaliveInterval(),
                services.noiseKeys().catalog(services.clock().instant()))));
        state = State.ESTABLISHED;
        cancelDeadline();
        EstablishedStream stream = new EstablishedStream(report(), token, authenticatedAt, secure, presence,
                nextSequence, takeHeld(), upstreamEnded, firstRead);
        firstRead = null;
        secure = null; // the session's now
        outcome.established(stream);
    }

    // ---- refusals, deadlines, held bytes ----

    private void sendPlain(Frame frame) {
        downstream.write(frame, FrameCodec.encode(frame));
    }

    /** §4.5: Error on channel 0 (when there is something to say), the report, then the outcome. */
    private void fail(String reason, HandshakeException failure, boolean decode) {
        if (isOver()) {
            return;
        }
        ObjectNode body = ControlJson.object();
        if (decode) {
            body.put("error", "decode");
        } else if (failure != null) {
            body.put("error", "handshake");
            body.put("detail", failure.detail());
            if (failure.kind() == HandshakeException.Kind.PAIRING_REQUIRED) {
                body.put("title", "PairingRequired");
                body.put("pairing_required", true);
            }
        }
        if (failure != null || decode) {
            sendPlain(Frame.control(FrameType.ERROR, 0, nextSequence++, body));
        }
        report(reason, failure);
        release();
        outcome.failed();
    }

    /** (Re)arms the one bootstrap timer; it fires on the loop. */
    private void armDeadline(Duration after) {
        cancelDeadline();
        try {
            deadline = loop.schedule(this::deadlinePassed, Math.max(0, after.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("loop shutting down; no bootstrap deadline for {}", remoteAddress);
        }
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** §4.5 the bootstrap way: PINGs keep a connection alive, never a bootstrap that does not progress. */
    private void deadlinePassed() {
        deadline = null;
        if (state == State.RESOLVING) {
            // Storage work in flight: decide when it is back, so that what it stored is reported.
            overdue = true;
            return;
        }
        if (state != State.AWAIT_HELLO && state != State.AWAIT_CLIENT_AUTH) {
            return; // ESTABLISHING: the device did its part in time; afterwards nothing is due
        }
        timedOut();
    }

    private void timedOut() {
        String detail = state == State.AWAIT_HELLO
                ? "no Hello within " + services.policy().helloTimeout().toMillis() + " ms"
                : "handshake not completed within " + services.policy().bootstrapTimeout().toMillis() + " ms";
        fail("timeout", new HandshakeException(HandshakeException.Kind.TIMEOUT, detail), false);
    }

    private void hold(byte[] data, int off, int len) {
        if (held.size() + len > MAX_HELD_BYTES) {
            fail("read", HandshakeException.invalid("too much data before the handshake completed"), false);
            return;
        }
        held.write(data, off, len);
    }

    private byte[] takeHeld() {
        byte[] bytes = held.toByteArray();
        held.reset();
        return bytes;
    }

    /** Storage work is back and the device's next frame is awaited: what came meanwhile is read now. */
    private void releaseHeld() {
        byte[] pending = takeHeld();
        if (pending.length > 0) {
            onBytes(pending, 0, pending.length);
        }
        if (upstreamEnded && (state == State.AWAIT_HELLO || state == State.AWAIT_CLIENT_AUTH)) {
            fail("client-closed", null, false);
        }
    }

    private boolean isOver() {
        return state == State.ESTABLISHED || state == State.CLOSED;
    }

    /** Lets go of everything: the timer, the Noise transport not handed over, held bytes. Idempotent. */
    private void release() {
        if (state != State.ESTABLISHED) {
            state = State.CLOSED;
        }
        cancelDeadline();
        if (secure != null) {
            secure.close(); // also gives back the buffer of an unfinished frame
            secure = null;
        }
        held.reset();
    }

    private void report(String reason, HandshakeException failure) {
        services.listener().failed(report(failure), reason, failure);
    }

    /** What is known now. */
    private HandshakeReport report() {
        return report(null);
    }

    /** As {@link #report()}; a failure that refused a registered device says whose it was. */
    private HandshakeReport report(HandshakeException failure) {
        String knownUser = failure == null ? null : failure.knownUserId();
        String userId = resolution != null ? resolution.user().id() : knownUser;
        boolean deviceKnown = resolution != null ? resolution.deviceKnown() : knownUser != null;
        return new HandshakeReport(remoteAddress, state.stage(), hello == null ? null : hello.deviceId(), userId,
                deviceKnown, noiseKey == null ? 0 : noiseKey.version(), hello == null ? 0 : hello.protocolVersion(),
                hello == null ? null : hello.pattern().name(), sessionId);
    }

    @Override
    public String toString() {
        return "DeviceBootstrap[" + state + ", device=" + (hello == null ? "?" : hello.deviceId()) + ", remote="
                + remoteAddress + "]";
    }
}
