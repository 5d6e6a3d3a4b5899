package io.commucat.ccp.crypto.noise;

/**
 * The protocol work of one Noise handshake, as an engine does it. {@link NoiseHandshake} owns
 * order, sizes and failure; a core may assume it is called in turn with well-sized messages.
 */
interface HandshakeCore {

    /** Writes handshake message {@code index} into {@code out}, sized exactly by the caller. */
    void writeMessage(int index, byte[] payload, byte[] out) throws NoiseException;

    /**
     * Reads handshake message {@code index}, at least its overhead long, into {@code payload},
     * sized exactly by the caller.
     */
    void readMessage(int index, byte[] message, byte[] payload) throws NoiseException;

    /** h after the last message. */
    byte[] handshakeHash();

    /** The peer's static public key once known, else null. */
    byte[] remoteStatic();

    /** The transport ciphers: {@code [send, receive]} for this side. Erases handshake secrets. */
    TransportCipher[] split();

    /** Erases handshake secrets after a failure. */
    void destroy();
}
