package io.commucat.ccp.crypto.noise;

import java.util.Optional;

/**
 * The two handshake patterns of CCP-1 (spec §3.7), both with X25519, ChaCha20-Poly1305 and
 * BLAKE2s. In both, the responder's static key is known to the initiator beforehand
 * ({@code <- s}).
 */
public enum NoisePattern {
    /** {@code -> e, es; <- e, ee; -> s, se}: the initiator's identity is hidden until message 3. */
    XK("Noise_XK_25519_ChaChaPoly_BLAKE2s", new Token[][] {
        {Token.E, Token.ES},
        {Token.E, Token.EE},
        {Token.S, Token.SE},
    }),
    /** {@code -> e, es, s, ss; <- e, ee, se}: one round trip; the initiator's identity travels in message 1. */
    IK("Noise_IK_25519_ChaChaPoly_BLAKE2s", new Token[][] {
        {Token.E, Token.ES, Token.S, Token.SS},
        {Token.E, Token.EE, Token.SE},
    });

    /** Noise message tokens (Noise spec rev 34 §7). */
    enum Token {
        E, S, EE, ES, SE, SS;

        boolean isDh() {
            return this != E && this != S;
        }
    }

    static final int DH_LENGTH = 32;
    static final int TAG_LENGTH = 16;
    static final int MAX_MESSAGE_LENGTH = 65535;

    private final String protocolName;
    private final Token[][] messages;
    private final int[] overhead;

    NoisePattern(String protocolName, Token[][] messages) {
        this.protocolName = protocolName;
        this.messages = messages;
        this.overhead = new int[messages.length];
        // Both patterns start from "<- s" without a key; the first DH token creates one.
        boolean hasKey = false;
        for (int i = 0; i < messages.length; i++) {
            int bytes = 0;
            for (Token t : messages[i]) {
                if (t == Token.E) {
                    bytes += DH_LENGTH;
                } else if (t == Token.S) {
                    bytes += DH_LENGTH + (hasKey ? TAG_LENGTH : 0);
                } else {
                    hasKey = true;
                }
            }
            overhead[i] = bytes + (hasKey ? TAG_LENGTH : 0);
        }
    }

    /** The full Noise protocol name, e.g. {@code Noise_XK_25519_ChaChaPoly_BLAKE2s}. */
    public String protocolName() {
        return protocolName;
    }

    /** Number of handshake messages: 3 for XK, 2 for IK. */
    public int messageCount() {
        return messages.length;
    }

    /** The largest payload handshake message {@code index} can carry within 65535 bytes. */
    public int maxPayloadLength(int index) {
        return MAX_MESSAGE_LENGTH - overhead(index);
    }

    /** The pattern with this full protocol name, if it is one of CCP-1's. */
    public static Optional<NoisePattern> fromProtocolName(String name) {
        for (NoisePattern p : values()) {
            if (p.protocolName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Bytes of message {@code index} beyond its payload (keys and tags). */
    int overhead(int index) {
        return overhead[index];
    }

    Token[] tokens(int index) {
        return messages[index];
    }

    /** Whether message {@code index} starts with a cleartext ephemeral key. */
    boolean startsWithEphemeral(int index) {
        return messages[index][0] == Token.E;
    }

    boolean carriesStatic(int index) {
        for (Token t : messages[index]) {
            if (t == Token.S) {
                return true;
            }
        }
        return false;
    }
}
