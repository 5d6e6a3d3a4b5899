package io.commucat.ccp.crypto.noise;

import java.util.Objects;

/**
 * The two interchangeable implementations of CCP-1's Noise handshakes; both produce the same
 * bytes and interoperate (the conformance and interop tests prove it).
 */
public enum NoiseEngine {
    /**
     * Our own Noise state machine over Bouncy Castle primitives: X25519 about three times as fast
     * as noise-java's, so a server's handshake share costs little more than its cryptography.
     * The default.
     */
    FAST {
        @Override
        HandshakeCore core(NoisePattern pattern, NoiseRole role, NoiseKeyPair localStatic, byte[] remoteStatic,
                byte[] prologue, NoiseKeyPair fixedEphemeral) {
            return new FastHandshake(pattern, role, localStatic, remoteStatic, prologue, fixedEphemeral);
        }
    },
    /** Stock noise-java {@code HandshakeState}: the reference to check {@link #FAST} against. */
    NOISE_JAVA {
        @Override
        HandshakeCore core(NoisePattern pattern, NoiseRole role, NoiseKeyPair localStatic, byte[] remoteStatic,
                byte[] prologue, NoiseKeyPair fixedEphemeral) {
            return new NoiseJavaHandshake(pattern, role, localStatic, remoteStatic, prologue, fixedEphemeral);
        }
    };

    /** The engine for production use: {@link #FAST}. */
    public static NoiseEngine defaultEngine() {
        return FAST;
    }

    /**
     * A handshake for the initiator (the device, in CCP-1).
     *
     * @param localStatic this side's static key pair
     * @param remoteStatic the responder's static public key (32 bytes), known beforehand in XK and IK
     * @param prologue bytes both sides must agree on (CCP-1 default: ASCII {@code commucat})
     * @throws IllegalArgumentException when {@code remoteStatic} is not 32 bytes
     */
    public NoiseHandshake initiator(NoisePattern pattern, NoiseKeyPair localStatic, byte[] remoteStatic,
            byte[] prologue) {
        return create(NoiseRole.INITIATOR, pattern, localStatic, remoteStatic, prologue, null);
    }

    /**
     * A handshake for the responder (the server, in CCP-1).
     *
     * @param localStatic this side's static key pair, whose public key the initiator must know
     * @param prologue bytes both sides must agree on (CCP-1 default: ASCII {@code commucat})
     */
    public NoiseHandshake responder(NoisePattern pattern, NoiseKeyPair localStatic, byte[] prologue) {
        return create(NoiseRole.RESPONDER, pattern, localStatic, null, prologue, null);
    }

    /**
     * FOR TESTS ONLY: a handshake whose ephemeral key is {@code ephemeral} instead of a fresh
     * random one, to reproduce fixed test vectors. A fixed ephemeral key destroys the forward
     * secrecy of every session that uses it; hence package-private.
     */
    NoiseHandshake withFixedEphemeralForTesting(NoiseRole role, NoisePattern pattern, NoiseKeyPair localStatic,
            byte[] remoteStatic, byte[] prologue, NoiseKeyPair ephemeral) {
        return create(role, pattern, localStatic, remoteStatic, prologue, Objects.requireNonNull(ephemeral));
    }

    private NoiseHandshake create(NoiseRole role, NoisePattern pattern, NoiseKeyPair localStatic,
            byte[] remoteStatic, byte[] prologue, NoiseKeyPair fixedEphemeral) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(localStatic, "localStatic");
        Objects.requireNonNull(prologue, "prologue");
        if (role == NoiseRole.INITIATOR) {
            Objects.requireNonNull(remoteStatic, "remoteStatic");
            if (remoteStatic.length != NoiseKeyPair.KEY_LENGTH) {
                throw new IllegalArgumentException("an X25519 public key has 32 bytes");
            }
        }
        HandshakeCore core = core(pattern, role, localStatic, remoteStatic, prologue, fixedEphemeral);
        return new NoiseHandshake(this, pattern, role, core);
    }

    abstract HandshakeCore core(NoisePattern pattern, NoiseRole role, NoiseKeyPair localStatic, byte[] remoteStatic,
            byte[] prologue, NoiseKeyPair fixedEphemeral);
}
