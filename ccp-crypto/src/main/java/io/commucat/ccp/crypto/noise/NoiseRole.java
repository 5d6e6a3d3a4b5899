package io.commucat.ccp.crypto.noise;

/** The side of a Noise handshake. In CCP-1 the device initiates and the server responds (§3.7). */
public enum NoiseRole {
    INITIATOR,
    RESPONDER;

    /** Whether this role writes handshake message {@code index} (0-based): the initiator writes the even ones. */
    boolean writes(int index) {
        return (index % 2 == 0) == (this == INITIATOR);
    }
}
