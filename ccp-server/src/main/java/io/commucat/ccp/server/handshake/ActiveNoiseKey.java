package io.commucat.ccp.server.handshake;

import io.commucat.ccp.crypto.noise.NoiseKeyPair;
import java.time.Instant;

/** One server Noise static key that may complete handshakes now, with its catalog times. */
public record ActiveNoiseKey(int version, NoiseKeyPair keyPair, Instant validAfter, Instant rotatesAt,
        Instant expiresAt) {
}
