package io.commucat.ccp.server.connect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import io.commucat.ccp.crypto.cert.DeviceCertificate;
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
import io.commucat.ccp.proto.ProtocolVersions;
import io.commucat.ccp.proto.StreamingFrameDecoder;
import io.commucat.ccp.server.admission.ClientAddress;
import io.commucat.ccp.server.handshake.ActiveNoiseKey;
import io.commucat.ccp.server.handshake.HandshakeException;
import io.commucat.ccp.server.handshake.HelloRequest;
import io.commucat.ccp.server.handshake.Resolution;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.relay.Handling;
import io.commucat.ccp.server.storage.PresenceSnapshot;
import io.commucat.ccp.server.storage.SessionRecord;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.User;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * One {@code /connect} stream, whatever its transport: Hello → Auth → Auth → Ack (ccp-1.md §3),
 * then the encrypted established session (§4). Transport adapters feed it upstream bytes and
 * give it a {@link Downstream}; it never sees Netty.
 *
 * <p>Threading: every method runs on the stream's event loop ({@code loop}), one at a time.
 * Blocking storage work goes to {@link ConnectServices#storageExecutor()} and its result comes
 * back to the loop; bytes that arrive meanwhile are held (bounded) and processed in order.
 * Noise and proof work runs on the loop: it is CPU only and keeps a session's work in order.
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

    private static final Logger LOG = LoggerFactory.getLogger(ConnectSession.class);

    /** Bootstrap frames are small; a peer gets no 16 MiB buffer before it proved anything. */
    static final FrameLimits BOOTSTRAP_LIMITS = new FrameLimits(64 * 1024, 64 * 1024, 64 * 1024);
    /** Bytes held while storage work is in flight; an honest device sends nothing then. */
    static final int MAX_HELD_BYTES = 256 * 1024;

    private final ConnectServices services;
    private final Downstream downstream;
    private final ScheduledExecutorService loop;
    private final String remoteAddress;

    private State state = State.AWAIT_HELLO;
    private final StreamingFrameDecoder bootstrapDecoder = new StreamingFrameDecoder(BOOTSTRAP_LIMITS);
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean upstreamEnded;
    private long nextSequence = 1;

    private HelloRequest hello;
    private long helloChannel;
    private NoiseHandshake noise;
    private ActiveNoiseKey noiseKey;
    private Resolution resolution;
    private String token;
    /** The token's public name ({@link SessionTokens#sessionId}); set once, before the session is registered. */
    private volatile String sessionId;
    private SecureFrameStream secure;
    /** When the device's Auth completed the handshake; orders this session against one on another node. */
    private Instant authenticatedAt;
    private ScheduledFuture<?> keepalive;
    /** When the stream opened, for the bootstrap deadline. */
    private final long openedNanos = System.nanoTime();
    /** Hello deadline until the Hello, then the bootstrap deadline until established or closed. */
    private ScheduledFuture<?> bootstrapDeadline;
    /** The deadline passed while the device's resolution was in flight: fail once it is back (and reported). */
    private boolean bootstrapOverdue;
    private String presenceState = "online";

    /** The channel half (§4.2, §4.4), made at establishment. */
    private SessionRelay relay;

    public ConnectSession(ConnectServices services, Downstream downstream, ScheduledExecutorService loop,
            String remoteAddress) {
        this.services = services;
        this.downstream = downstream;
        this.loop = loop;
        this.remoteAddress = remoteAddress;
        armBootstrapDeadline(services.policy().helloTimeout());
    }

    public State state() {
        return state;
    }

    /** The device id once the Hello was read. */
    public Optional<String> deviceId() {
        return Optional.ofNullable(hello).map(HelloRequest::deviceId);
    }

    // ---- upstream events (on the loop) ----

    /** Upstream bytes, in order, in any chunking. */
    @Override
    public void onBytes(byte[] data, int off, int len) {
        switch (state) {
            case AWAIT_HELLO, AWAIT_CLIENT_AUTH -> bootstrapBytes(ByteBuffer.wrap(data, off, len));
            case RESOLVING, ESTABLISHING -> hold(data, off, len);
            case ESTABLISHED -> establishedBytes(data, off, len);
            case CLOSED -> {
                // Late bytes after the end are dropped.
            }
        }
    }

    /** The device finished its request body. */
    @Override
    public void onUpstreamEnd() {
        upstreamEnded = true;
        switch (state) {
            case AWAIT_HELLO, AWAIT_CLIENT_AUTH -> {
                try {
                    bootstrapDecoder.endOfStream();
                } catch (CodecException e) {
                    // §2: a frame cut by the end of the stream is an unexpected end, answered as any codec error.
                    failBootstrap("decode", null, true);
                    return;
                }
                failBootstrap("client-closed", null, false);
            }
            case ESTABLISHED -> {
                try {
                    secure.endOfStream();
                } catch (CodecException e) {
                    decodeFailed(e);
                    return;
                }
                close(SessionEnd.CLIENT_CLOSED);
            }
            default -> {
                // RESOLVING / ESTABLISHING: handled when the storage work comes back.
            }
        }
    }

    /** The transport is gone (reset, connection lost, liveness timeout). */
    @Override
    public void onTransportClosed() {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.ESTABLISHED) {
            report("client-closed", null);
        }
        finish(SessionEnd.TRANSPORT_CLOSED);
    }

    /** A newer session of the same device took over (called on this session's loop). */
    void replaced() {
        if (state == State.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "session_replaced", "a newer session of this device connected", null));
        }
        close(SessionEnd.REPLACED);
    }

    /** Another node has a session of this device, established at {@code since} (called on this session's loop). */
    void replacedIfOlderThan(Instant since) {
        if (state == State.ESTABLISHED && authenticatedAt.isBefore(since)) {
            replaced();
        }
    }

    /** The device was revoked (called on this session's loop): tell it, then end the stream. */
    void revoked() {
        if (state == State.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "revoked", "device revoked", null));
        }
        close(SessionEnd.REVOKED);
    }

    /** The device's reader drained its window after the session found no room (see {@link Downstream#room()}). */
    @Override
    public void onReady() {
        if (state == State.ESTABLISHED) {
            relay.onReady();
        }
    }

    /** The server is shutting down: tell the device and end the stream. */
    @Override
    public void shutdown() {
        if (state == State.ESTABLISHED) {
            sendEncrypted(errorFrame(0, "shutdown", "server is shutting down", null));
        }
        close(SessionEnd.SHUTDOWN);
    }

    // ---- bootstrap ----

    private void bootstrapBytes(ByteBuffer bytes) {
        try {
            bootstrapDecoder.decode(bytes, this::bootstrapFrame);
        } catch (CodecException e) {
            failBootstrap("decode", null, true);
            return;
        }
        if (state == State.RESOLVING || state == State.ESTABLISHING) {
            // The frame that started storage work may have arrived with more bytes: keep them.
            hold(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        }
    }

    private boolean bootstrapFrame(Frame frame) {
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
            failBootstrap("handshake", e, false);
        }
        return state == State.AWAIT_HELLO || state == State.AWAIT_CLIENT_AUTH;
    }

    /** §3.2 steps 1–5 on the loop, then 6–9 off it. */
    private void onHello(Frame frame) throws HandshakeException {
        armBootstrapDeadline(services.policy().bootstrapTimeout().minusNanos(System.nanoTime() - openedNanos));
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
            failBootstrap("handshake", failure, false);
            return;
        }
        resolution = result;
        token = services.tokens().newToken();
        sessionId = SessionTokens.sessionId(token);
        services.listener().resolved(snapshot(null), result);
        if (bootstrapOverdue) {
            bootstrapTimedOut();
            return;
        }
        try {
            sendServerAuth();
        } catch (NoiseException e) {
            failBootstrap("handshake", HandshakeException.invalid("invalid noise handshake"), false);
            return;
        }
        state = State.AWAIT_CLIENT_AUTH;
        releaseHeld();
    }

    /** Step 10 and §3.3. */
    private void sendServerAuth() throws NoiseException {
        User user = resolution.user();
        ObjectNode payload = ControlJson.object();
        payload.put("session", token);
        payload.put("domain", services.policy().domain());
        payload.put("protocol_version", hello.protocolVersion());
        payload.put("user_id", user.id());
        payload.set("user", userSnapshot(user));
        byte[] message2 = noise.writeMessage(ControlJson.write(payload));

        ObjectNode auth = ControlJson.object();
        auth.put("session", token);
        auth.put("device_id", hello.deviceId());
        auth.put("handshake", Hex.encode(message2));
        auth.put("server_static", Hex.encode(noiseKey.keyPair().publicKey()));
        auth.put("protocol_version", hello.protocolVersion());
        ArrayNode versions = auth.putArray("supported_versions");
        ProtocolVersions.SUPPORTED.forEach(versions::add);
        auth.put("device_ca_public", Hex.encode(services.caPublicKey()));
        auth.set("user", userSnapshot(user));
        auth.set("certificate", resolution.certificate().toJson());
        sendPlain(Frame.control(FrameType.AUTH, helloChannel, nextSequence(), auth));
    }

    /** §3.4: XK message 3 or IK key confirmation, the static binding, then storage work. */
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
        try {
            String initialState = presenceState;
            CompletableFuture.runAsync(() -> recordEstablished(now, initialState), services.storageExecutor())
                    .whenCompleteAsync((ok, error) -> established(error), loop);
        } catch (RejectedExecutionException e) {
            throw busy();
        }
    }

    /** Off the loop: session record, presence, route, last seen (§3.4 "Then the session is Established"). */
    private void recordEstablished(Instant now, String state) {
        try {
            services.sessions().create(new SessionRecord(SessionTokens.hash(token), hello.deviceId(),
                    resolution.user().id(), now, now.plus(services.policy().connectionKeepalive()), services.nodeId()));
            // Before this node takes the route: the node named there ends its older session.
            services.router().announceSession(hello.deviceId(), now);
            publishPresence(now, state);
        } catch (StorageException e) {
            throw new CompletionException(e);
        }
        seen(now);
    }

    /** Off the loop, best effort: the device's {@code last_seen} (GET /api/devices) is informational. */
    private void seen(Instant at) {
        try {
            services.resolver().seen(hello.deviceId(), at);
        } catch (StorageException e) {
            LOG.warn("last seen not recorded for {}: {}", hello.deviceId(), e.kind());
        }
    }

    /** Off the loop; {@code state} is read on the loop and passed in, never the field. */
    private void publishPresence(Instant now, String state) throws StorageException {
        services.presence().publish(new PresenceSnapshot(hello.deviceId(), resolution.user().id(), state,
                services.nodeId(), now), services.policy().presenceTtl());
        services.presence().setRoute(hello.deviceId(), services.nodeId(), services.policy().presenceTtl());
    }

    private void established(Throwable error) {
        if (state != State.ESTABLISHING) {
            return;
        }
        if (error != null) {
            failBootstrap("handshake", new HandshakeException(HandshakeException.Kind.UNAVAILABLE, "storage failure",
                    error), false);
            return;
        }
        sendPlain(Frame.control(FrameType.ACK, helloChannel, nextSequence(), ack()));
        state = State.ESTABLISHED;
        cancelBootstrapDeadline();
        ConnectSession previous = services.registry().register(hello.deviceId(), this);
        services.listener().established(snapshot(null));
        if (previous != null && previous != this) {
            services.listener().replaced(snapshot(null), previous.sessionId);
            previous.loop.execute(previous::replaced);
        }
        if (services.registry().recentlyRevoked(hello.deviceId())) {
            // Revoked after its resolution found the device active: the revocation missed this
            // session while it was not registered yet.
            revoked();
            return;
        }
        long interval = services.policy().keepaliveInterval().toMillis();
        keepalive = loop.scheduleAtFixedRate(this::refresh, interval, interval, TimeUnit.MILLISECONDS);
        relay = new SessionRelay(services, loop, new Output(), hello.deviceId(), resolution.user().id(),
                resolution.deviceKnown());
        relay.pullInbox();
        byte[] pending = takeHeld();
        if (pending.length > 0) {
            establishedBytes(pending, 0, pending.length);
        }
        if (upstreamEnded && state == State.ESTABLISHED) {
            close(SessionEnd.CLIENT_CLOSED);
        }
    }

    /** The Ack of §3.4 with every key it lists. */
    private ObjectNode ack() {
        User user = resolution.user();
        ObjectNode ack = ControlJson.object();
        ack.put("handshake", "ok");
        ack.put("session", token);
        ack.put("user_id", user.id());
        ack.set("user", userSnapshot(user));
        ack.put("pairing_required", resolution.pairingRequired());
        ack.put("device_ca_public", Hex.encode(services.caPublicKey()));
        ack.put("noise_public", Hex.encode(noiseKey.keyPair().publicKey()));
        ack.put("keepalive_interval", services.policy().keepaliveInterval().toSeconds());
        ack.put("noise_key_version", noiseKey.version());
        ack.put("noise_rotates_at", noiseKey.rotatesAt().toString());
        ack.put("noise_expires_at", noiseKey.expiresAt().toString());
        ArrayNode keys = ack.putArray("noise_keys");
        for (ActiveNoiseKey key : services.noiseKeys().catalog(services.clock().instant())) {
            ObjectNode k = keys.addObject();
            k.put("version", key.version());
            k.put("public", Hex.encode(key.keyPair().publicKey()));
            k.put("valid_after", key.validAfter().toString());
            k.put("rotates_at", key.rotatesAt().toString());
            k.put("expires_at", key.expiresAt().toString());
        }
        DeviceCertificate certificate = resolution.certificate();
        ObjectNode summary = ack.putObject("certificate");
        summary.put("serial", new java.math.BigInteger(certificate.fields().serialText()));
        summary.put("issued_at", certificate.fields().issuedAt());
        summary.put("expires_at", certificate.fields().expiresAt());
        ack.set("device_certificate", certificate.toJson());
        return ack;
    }

    private static ObjectNode userSnapshot(User user) {
        ObjectNode u = ControlJson.object();
        u.put("id", user.id());
        u.put("user_id", user.id());
        u.put("handle", user.handle());
        u.put("display_name", user.displayName());
        u.put("avatar_url", user.avatarUrl());
        return u;
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
        if (state != State.ESTABLISHED) {
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
        if (state != State.ESTABLISHED) {
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

    // ---- channels and relay (§4.2, §4.4) ----

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
        if (state == State.ESTABLISHED) {
            relay.deliver(delivery);
        }
    }

    /** §4.3: a state change republishes the snapshot and reaches the channel peers; no Ack. */
    private void onPresence(Frame frame) {
        String requested = frame.control().text("state");
        presenceState = requested == null || requested.isBlank() || requested.length() > 64 ? "online" : requested;
        Instant now = services.clock().instant();
        String current = presenceState;
        String deviceId = hello.deviceId();
        ObjectNode body = ControlJson.object();
        body.put("device", deviceId);
        body.put("user_id", resolution.user().id());
        body.put("state", current);
        Frame announcement = Frame.control(FrameType.PRESENCE, 0, 0, body);
        try {
            CompletableFuture.supplyAsync(() -> {
                try {
                    publishPresence(now, current);
                    List<Delivery> announcements = new ArrayList<>();
                    services.relay().peers(deviceId).forEach(peer -> announcements.add(new Delivery(peer, announcement, 0)));
                    return services.router().forward(announcements);
                } catch (StorageException e) {
                    throw new CompletionException(e);
                }
            }, services.storageExecutor()).whenComplete((local, error) -> {
                if (error != null) {
                    LOG.warn("presence update failed for {}: {}", deviceId, error.toString());
                    return;
                }
                local.forEach(services.registry()::deliver);
            });
        } catch (RejectedExecutionException e) {
            LOG.warn("storage executor saturated; presence of {} not published", deviceId);
        }
    }

    /** §4.3: while connected, session and presence are refreshed every keepalive interval. */
    private void refresh() {
        if (state != State.ESTABLISHED) {
            return;
        }
        Instant now = services.clock().instant();
        String tokenHash = SessionTokens.hash(token);
        String current = presenceState;
        offLoop(() -> {
            try {
                if (!services.sessions().refresh(tokenHash, now.plus(services.policy().connectionKeepalive()))
                        && !services.resolver().active(hello.deviceId())) {
                    // Revoked, and the broadcast that ends its sessions did not reach this node
                    // (the bus is at most once): the periodic refresh is the backstop.
                    onLoop(this::revoked);
                    return;
                }
                publishPresence(now, current);
            } catch (StorageException e) {
                LOG.warn("session refresh failed for {}: {}", hello.deviceId(), e.kind());
            }
        });
        relay.retry();
    }

    // ---- output and endings ----

    /** The session as its relay half sees it. */
    private final class Output implements SessionRelay.SessionOutput {
        @Override
        public boolean established() {
            return state == State.ESTABLISHED;
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
    }

    private long nextSequence() {
        return nextSequence++;
    }

    private void sendPlain(Frame frame) {
        downstream.write(frame, FrameCodec.encode(frame));
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

    /** §4.5: Error on channel 0, then the end of the stream. */
    private void failBootstrap(String reason, HandshakeException failure, boolean decode) {
        if (state == State.CLOSED) {
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
            sendPlain(Frame.control(FrameType.ERROR, 0, nextSequence(), body));
        }
        report(reason, failure);
        close(SessionEnd.SERVER_CLOSED);
    }

    /** (Re)arms the one bootstrap timer; it fires on the loop. */
    private void armBootstrapDeadline(Duration after) {
        cancelBootstrapDeadline();
        try {
            bootstrapDeadline = loop.schedule(this::bootstrapDeadlinePassed, Math.max(0, after.toNanos()),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("loop shutting down; no bootstrap deadline for {}", remoteAddress);
        }
    }

    private void cancelBootstrapDeadline() {
        if (bootstrapDeadline != null) {
            bootstrapDeadline.cancel(false);
            bootstrapDeadline = null;
        }
    }

    /** §4.5 the bootstrap way: PINGs keep a connection alive, never a bootstrap that does not progress. */
    private void bootstrapDeadlinePassed() {
        bootstrapDeadline = null;
        if (state == State.RESOLVING) {
            // Storage work in flight: decide when it is back, so that what it stored is reported.
            bootstrapOverdue = true;
            return;
        }
        if (state != State.AWAIT_HELLO && state != State.AWAIT_CLIENT_AUTH) {
            return; // ESTABLISHING: the device did its part in time; ESTABLISHED, CLOSED: nothing is due
        }
        bootstrapTimedOut();
    }

    private void bootstrapTimedOut() {
        String detail = state == State.AWAIT_HELLO
                ? "no Hello within " + services.policy().helloTimeout().toMillis() + " ms"
                : "handshake not completed within " + services.policy().bootstrapTimeout().toMillis() + " ms";
        failBootstrap("timeout", new HandshakeException(HandshakeException.Kind.TIMEOUT, detail), false);
    }

    private void report(String reason, HandshakeException failure) {
        services.listener().failed(snapshot(failure), reason, failure);
    }

    /** What is known now; a failure that refused a registered device says whose it was. */
    private HandshakeReport snapshot(HandshakeException failure) {
        String knownUser = failure == null ? null : failure.knownUserId();
        String userId = resolution != null ? resolution.user().id() : knownUser;
        boolean deviceKnown = resolution != null ? resolution.deviceKnown() : knownUser != null;
        return new HandshakeReport(remoteAddress, state.stage(), hello == null ? null : hello.deviceId(), userId,
                deviceKnown, noiseKey == null ? 0 : noiseKey.version(), hello == null ? 0 : hello.protocolVersion(),
                hello == null ? null : hello.pattern().name(), sessionId);
    }

    /** Ends the stream: the downstream is closed and everything the session holds is released. */
    public void close() {
        close(SessionEnd.SERVER_CLOSED);
    }

    private void close(SessionEnd reason) {
        if (state == State.CLOSED) {
            return;
        }
        finish(reason);
        downstream.close();
    }

    private void finish(SessionEnd reason) {
        boolean wasEstablished = state == State.ESTABLISHED;
        if (wasEstablished) {
            services.listener().ended(snapshot(null), reason);
        }
        state = State.CLOSED;
        cancelBootstrapDeadline();
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        if (secure != null) {
            secure.close(); // also gives back the buffer of an unfinished frame
        }
        if (relay != null) {
            relay.close();
        }
        held.reset();
        if (wasEstablished) {
            // Only the device's current session clears its presence: a replaced session shares
            // the node id with its successor, so clearing would erase the live entry.
            boolean current = services.registry().unregister(hello.deviceId(), this);
            String deviceId = hello.deviceId();
            Instant endedAt = services.clock().instant();
            offLoop(() -> {
                if (current) {
                    try {
                        services.presence().clear(deviceId, services.nodeId());
                    } catch (StorageException e) {
                        LOG.warn("presence clear failed for {}: {}", deviceId, e.kind());
                    }
                }
                seen(endedAt);
            });
        }
    }

    /** Best-effort storage work (refreshes); when the executor is saturated the next round retries. */
    private void offLoop(Runnable work) {
        try {
            services.storageExecutor().execute(work);
        } catch (RejectedExecutionException e) {
            LOG.warn("storage executor saturated; skipped a refresh for {}", deviceId().orElse("?"));
        }
    }

    private void hold(byte[] data, int off, int len) {
        if (held.size() + len > MAX_HELD_BYTES) {
            failBootstrap("read", HandshakeException.invalid("too much data before the handshake completed"), false);
            return;
        }
        held.write(data, off, len);
    }

    private byte[] takeHeld() {
        byte[] bytes = held.toByteArray();
        held.reset();
        return bytes;
    }

    private void releaseHeld() {
        byte[] pending = takeHeld();
        if (pending.length > 0) {
            onBytes(pending, 0, pending.length);
        }
        if (upstreamEnded && (state == State.AWAIT_HELLO || state == State.AWAIT_CLIENT_AUTH)) {
            failBootstrap("client-closed", null, false);
        }
    }

    @Override
    public String toString() {
        return "ConnectSession[" + state + ", device=" + (hello == null ? "?" : hello.deviceId()) + ", remote="
                + remoteAddress + "]";
    }
}
