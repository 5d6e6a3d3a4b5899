package io.commucat.ccp.crypto.proof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.crypto.Hex;
import java.util.Arrays;
import java.util.Objects;

/**
 * A handshake proof as sent in Hello's {@code zkp} (spec §3.5): the commitment {@code enc(R)} and
 * the response {@code s}, 32 bytes each. A value only: it says nothing about validity until
 * {@link HandshakeVerifier#verify} accepts it.
 *
 * @param commitment {@code enc(R)}, 32 bytes
 * @param response {@code s}, 32 bytes little-endian
 */
public record HandshakeProof(byte[] commitment, byte[] response) {

    /** Length of each half of the proof in bytes. */
    public static final int LENGTH = 32;

    private static final String COMMITMENT = "commitment";
    private static final String RESPONSE = "response";

    /**
     * @throws IllegalArgumentException when either part is not 32 bytes
     * @throws NullPointerException when either part is null
     */
    public HandshakeProof {
        commitment = requireLength(commitment, COMMITMENT);
        response = requireLength(response, RESPONSE);
    }

    private static byte[] requireLength(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, name);
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException(name + " must be " + LENGTH + " bytes");
        }
        return bytes.clone();
    }

    @Override
    public byte[] commitment() {
        return commitment.clone();
    }

    @Override
    public byte[] response() {
        return response.clone();
    }

    /**
     * Reads {@code {"commitment":hex32,"response":hex32}} (hex of either case). Any other shape,
     * including extra keys, is refused.
     *
     * @throws ProofException of kind {@link ProofException.Kind#MALFORMED}
     */
    public static HandshakeProof fromJson(JsonNode node) throws ProofException {
        if (node == null || !node.isObject() || node.size() != 2) {
            throw malformed("proof must be an object with exactly commitment and response");
        }
        return new HandshakeProof(hexField(node, COMMITMENT), hexField(node, RESPONSE));
    }

    private static byte[] hexField(JsonNode node, String name) throws ProofException {
        JsonNode field = node.get(name);
        if (field == null || !field.isTextual()) {
            throw malformed("proof " + name + " must be a hex string");
        }
        try {
            return Hex.decodeFixed(field.textValue(), LENGTH);
        } catch (IllegalArgumentException e) {
            throw malformed("proof " + name + " must be " + LENGTH + " bytes of hex");
        }
    }

    private static ProofException malformed(String message) {
        return new ProofException(ProofException.Kind.MALFORMED, message);
    }

    /** {@code {"commitment":hex,"response":hex}}, lower-case hex. */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(COMMITMENT, Hex.encode(commitment));
        node.put(RESPONSE, Hex.encode(response));
        return node;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HandshakeProof that
                && Arrays.equals(commitment, that.commitment)
                && Arrays.equals(response, that.response);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(commitment) + Arrays.hashCode(response);
    }

    @Override
    public String toString() {
        return "HandshakeProof[commitment=" + Hex.encode(commitment) + ", response=" + Hex.encode(response) + "]";
    }
}
