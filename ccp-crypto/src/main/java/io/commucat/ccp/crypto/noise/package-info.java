/**
 * Noise for CCP-1 (spec §3.7, §4.1): the XK and IK handshakes over X25519, ChaCha20-Poly1305 and
 * BLAKE2s, and the record layer of the established session.
 *
 * <p>Entry points: {@link io.commucat.ccp.crypto.noise.NoiseEngine} (one factory per role; two
 * interchangeable engines, {@code FAST} by default and stock noise-java as reference), {@link
 * io.commucat.ccp.crypto.noise.NoiseHandshake} (the handshake state machine) and {@link
 * io.commucat.ccp.crypto.noise.NoiseTransport} (the session after it).
 *
 * <p>Threading: {@link io.commucat.ccp.crypto.noise.NoiseKeyPair} and the enums are immutable and
 * shareable. A handshake or transport is not thread-safe: one owner at a time.
 *
 * <p>Errors: everything a peer can cause is a {@link io.commucat.ccp.crypto.noise.NoiseException}
 * with a kind; it is terminal for the object that threw it, and its message never contains
 * peer bytes.
 */
package io.commucat.ccp.crypto.noise;
