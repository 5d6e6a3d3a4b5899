package io.commucat.ccp.server.connect;

import io.commucat.ccp.proto.BufferReservations;
import io.commucat.ccp.server.cluster.Router;
import io.commucat.ccp.server.handshake.DeviceResolver;
import io.commucat.ccp.server.handshake.HandshakePolicy;
import io.commucat.ccp.server.handshake.NoiseKeyRing;
import io.commucat.ccp.server.handshake.SessionTokens;
import io.commucat.ccp.server.relay.Relay;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.Sessions;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every {@link ConnectSession} of a node shares. The storage ports are blocking and are
 * only ever called on {@code storageExecutor}, never on an event loop.
 *
 * @param caPublicKey the device CA's public key, announced in Auth and Ack
 * @param buffers     the node-wide budget for unfinished frames and relay queues
 * @param keepalive   when each established session is due for its refresh; a
 *     {@link KeepaliveRefresher} started on these services does the refreshing
 * @param sessionEnds the ends of established sessions waiting to be recorded; a
 *     {@link SessionEndRecorder} started on these services records them
 */
public record ConnectServices(
        HandshakePolicy policy,
        NoiseKeyRing noiseKeys,
        DeviceResolver resolver,
        Sessions sessions,
        Presence presence,
        Relay relay,
        Router router,
        SessionTokens tokens,
        byte[] caPublicKey,
        SessionRegistry registry,
        HandshakeListener listener,
        Executor storageExecutor,
        Clock clock,
        String nodeId,
        BufferReservations buffers,
        KeepaliveSchedule<ConnectSession> keepalive,
        SessionEnds sessionEnds) {

    public ConnectServices {
        caPublicKey = caPublicKey.clone();
        java.util.Objects.requireNonNull(buffers, "buffers");
        java.util.Objects.requireNonNull(keepalive, "keepalive");
        java.util.Objects.requireNonNull(sessionEnds, "sessionEnds");
    }

    /** With a queue of session ends of the default capacity. */
    public ConnectServices(HandshakePolicy policy, NoiseKeyRing noiseKeys, DeviceResolver resolver, Sessions sessions,
            Presence presence, Relay relay, Router router, SessionTokens tokens, byte[] caPublicKey,
            SessionRegistry registry, HandshakeListener listener, Executor storageExecutor, Clock clock,
            String nodeId, BufferReservations buffers, KeepaliveSchedule<ConnectSession> keepalive) {
        this(policy, noiseKeys, resolver, sessions, presence, relay, router, tokens, caPublicKey, registry, listener,
                storageExecutor, clock, nodeId, buffers, keepalive, new SessionEnds());
    }

    /** With a keepalive schedule at the policy's refresh period. */
    public ConnectServices(HandshakePolicy policy, NoiseKeyRing noiseKeys, DeviceResolver resolver, Sessions sessions,
            Presence presence, Relay relay, Router router, SessionTokens tokens, byte[] caPublicKey,
            SessionRegistry registry, HandshakeListener listener, Executor storageExecutor, Clock clock,
            String nodeId, BufferReservations buffers) {
        this(policy, noiseKeys, resolver, sessions, presence, relay, router, tokens, caPublicKey, registry, listener,
                storageExecutor, clock, nodeId, buffers, new KeepaliveSchedule<>(policy.refreshPeriod()));
    }

    /** Without a node-wide buffer budget (tests that exercise something else). */
    public ConnectServices(HandshakePolicy policy, NoiseKeyRing noiseKeys, DeviceResolver resolver, Sessions sessions,
            Presence presence, Relay relay, Router router, SessionTokens tokens, byte[] caPublicKey,
            SessionRegistry registry, HandshakeListener listener, Executor storageExecutor, Clock clock,
            String nodeId) {
        this(policy, noiseKeys, resolver, sessions, presence, relay, router, tokens, caPublicKey, registry, listener,
                storageExecutor, clock, nodeId, BufferReservations.UNLIMITED);
    }

    @Override
    public byte[] caPublicKey() {
        return caPublicKey.clone();
    }
}
