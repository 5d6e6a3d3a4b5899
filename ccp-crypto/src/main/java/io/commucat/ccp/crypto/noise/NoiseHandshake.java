package io.commucat.ccp.crypto.noise;

import java.util.Optional;

/**
 * One Noise handshake of CCP-1 (spec §3.7) with an explicit state machine:
 * {@link State#WRITE}/{@link State#READ} alternate, initiator first, until the last message,
 * then {@link State#SPLIT} until {@link #split()} hands out the transport ({@link
 * State#COMPLETE}). Create one with {@link NoiseEngine#initiator} or {@link
 * NoiseEngine#responder}, or with the static shortcuts here, which use {@link
 * NoiseEngine#defaultEngine()}.
 *
 * <p>Fails closed: any exception from {@link #writeMessage}, {@link #readMessage} or {@link
 * #split} (bad tag, wrong length, zero DH, a call out of turn) moves the handshake to {@link
 * State#FAILED} for good, erases its secrets, and every later call throws {@link
 * NoiseException.Kind#BAD_STATE}. Messages are at most 65535 bytes; sizes are checked before
 * anything is allocated.
 *
 * <p>Not thread-safe: one owner at a time (hand-offs between threads need a happens-before edge,
 * as any executor or channel provides).
 */
public final class NoiseHandshake {

    /** Where the handshake stands. */
    public enum State {
        /** This side writes the next message. */
        WRITE,
        /** This side reads the next message. */
        READ,
        /** All messages are done: {@link #split()} next. */
        SPLIT,
        /** {@link #split()} has handed out the transport. */
        COMPLETE,
        /** A call failed; the handshake is unusable. */
        FAILED
    }

    private final NoiseEngine engine;
    private final NoisePattern pattern;
    private final NoiseRole role;
    private final HandshakeCore core;
    private int index;
    private State state;

    NoiseHandshake(NoiseEngine engine, NoisePattern pattern, NoiseRole role, HandshakeCore core) {
        this.engine = engine;
        this.pattern = pattern;
        this.role = role;
        this.core = core;
        this.state = role.writes(0) ? State.WRITE : State.READ;
    }

    /** {@link NoiseEngine#initiator} of the default engine. */
    public static NoiseHandshake initiator(NoisePattern pattern, NoiseKeyPair localStatic, byte[] remoteStatic,
            byte[] prologue) {
        return NoiseEngine.defaultEngine().initiator(pattern, localStatic, remoteStatic, prologue);
    }

    /** {@link NoiseEngine#responder} of the default engine. */
    public static NoiseHandshake responder(NoisePattern pattern, NoiseKeyPair localStatic, byte[] prologue) {
        return NoiseEngine.defaultEngine().responder(pattern, localStatic, prologue);
    }

    /**
     * Writes the next handshake message.
     *
     * @param payload sent encrypted once the pattern has a key (always, in XK and IK)
     * @throws NoiseException {@code BAD_STATE} out of turn, {@code MESSAGE_TOO_LARGE} when the
     *     message would exceed 65535 bytes, {@code BAD_KEY} when a DH result is zero
     */
    public byte[] writeMessage(byte[] payload) throws NoiseException {
        expect(State.WRITE);
        boolean ok = false;
        try {
            if (payload.length > pattern.maxPayloadLength(index)) {
                throw new NoiseException(NoiseException.Kind.MESSAGE_TOO_LARGE, "payload does not fit a Noise message");
            }
            byte[] message = new byte[pattern.overhead(index) + payload.length];
            core.writeMessage(index, payload, message);
            advance();
            ok = true;
            return message;
        } finally {
            if (!ok) {
                fail();
            }
        }
    }

    /**
     * Reads the next handshake message.
     *
     * @return the decrypted payload
     * @throws NoiseException {@code BAD_STATE} out of turn, {@code MESSAGE_TOO_LARGE} over 65535
     *     bytes, {@code MALFORMED_MESSAGE} when shorter than the pattern's keys and tags,
     *     {@code DECRYPT} when a tag fails, {@code BAD_KEY} when a DH result is zero
     */
    public byte[] readMessage(byte[] message) throws NoiseException {
        expect(State.READ);
        boolean ok = false;
        try {
            if (message.length > NoisePattern.MAX_MESSAGE_LENGTH) {
                throw new NoiseException(NoiseException.Kind.MESSAGE_TOO_LARGE, "Noise message over 65535 bytes");
            }
            int overhead = pattern.overhead(index);
            if (message.length < overhead) {
                throw new NoiseException(NoiseException.Kind.MALFORMED_MESSAGE, "handshake message too short");
            }
            byte[] payload = new byte[message.length - overhead];
            core.readMessage(index, message, payload);
            advance();
            ok = true;
            return payload;
        } finally {
            if (!ok) {
                fail();
            }
        }
    }

    /**
     * Ends the handshake and hands out its transport; the handshake's secrets are erased.
     *
     * @throws NoiseException {@code BAD_STATE} unless all messages are done and not split yet
     */
    public NoiseTransport split() throws NoiseException {
        expect(State.SPLIT);
        TransportCipher[] ciphers = core.split();
        state = State.COMPLETE;
        return new NoiseTransport(ciphers[0], ciphers[1]);
    }

    /**
     * The handshake hash h, which both sides share once the handshake is done; use it to bind
     * the session to the channel. Does not change the state.
     *
     * @throws NoiseException {@code BAD_STATE} before the last message
     */
    public byte[] handshakeHash() throws NoiseException {
        if (state != State.SPLIT && state != State.COMPLETE) {
            throw new NoiseException(NoiseException.Kind.BAD_STATE, "handshake not finished");
        }
        return core.handshakeHash();
    }

    /**
     * The peer's static public key, once known: from the start for an initiator, after message 3
     * (XK) or 1 (IK) for a responder. Authenticated only once the handshake is done; spec §3.4
     * requires the server to compare it with {@code client_static}. Empty once FAILED.
     */
    public Optional<byte[]> remoteStatic() {
        return state == State.FAILED ? Optional.empty() : Optional.ofNullable(core.remoteStatic());
    }

    public State state() {
        return state;
    }

    public NoisePattern pattern() {
        return pattern;
    }

    public NoiseRole role() {
        return role;
    }

    public NoiseEngine engine() {
        return engine;
    }

    private void expect(State wanted) throws NoiseException {
        if (state != wanted) {
            // A call out of turn is a protocol bug on this side or a confused peer: stop here.
            fail();
            throw new NoiseException(NoiseException.Kind.BAD_STATE, "handshake cannot do that now");
        }
    }

    private void advance() {
        index++;
        if (index == pattern.messageCount()) {
            state = State.SPLIT;
        } else {
            state = role.writes(index) ? State.WRITE : State.READ;
        }
    }

    private void fail() {
        if (state != State.FAILED && state != State.COMPLETE) {
            core.destroy();
        }
        state = State.FAILED;
    }
}
