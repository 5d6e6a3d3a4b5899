package io.commucat.ccp.server.connect;

import io.commucat.ccp.crypto.noise.SecureFrameStream;
import java.time.Instant;

/**
 * What a completed {@link DeviceBootstrap} hands its session: the secure frame stream the
 * handshake agreed (Noise transport state and codec), who the device is, and what the upstream
 * already said beyond the handshake. The bootstrap keeps nothing of it.
 *
 * <p>Threading: made and taken on the stream's event loop.
 *
 * @param device         the device as the ledger names it, at stage {@code established}; it never
 *     changes for the life of the session
 * @param token          the session token (§3.3), for the keepalive refresh of its record
 * @param authenticatedAt when the device's Auth completed the handshake: orders this session
 *     against one of the same device on another node
 * @param frames         the Noise transport of the connection; the session owns and closes it
 * @param presence       the storage side of the device's presence, already published once
 * @param nextSequence   the connection's next sequence number (§4.2: one counter per connection,
 *     bootstrap frames included)
 * @param leftover       upstream bytes that followed the device's Auth (Noise records), not yet read
 * @param upstreamEnded  whether the device ended its upload during the bootstrap
 * @param firstRead      a known device's inbox read during the bootstrap; {@code null} for a device
 *     registered by it (nothing can be queued for it)
 */
record EstablishedStream(HandshakeReport device, String token, Instant authenticatedAt, SecureFrameStream frames,
        SessionPresence presence, long nextSequence, byte[] leftover, boolean upstreamEnded, FirstRead firstRead) {
}
