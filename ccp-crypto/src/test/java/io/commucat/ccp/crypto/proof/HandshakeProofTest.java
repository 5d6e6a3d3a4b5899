package io.commucat.ccp.crypto.proof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.commucat.ccp.crypto.proof.ProofException.Kind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandshakeProofTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String C = "4d08ad814070c5ddc7abc5a854b92f1482cccd8b68fb82c7d4341fd5c971f135";
    private static final String S = "26ca261aea344d97907aa55a4780ef036c44800721eaa628875a169a973fc707";

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void jsonFormIsCommitmentAndResponseInLowerCaseHex() throws Exception {
        HandshakeProof proof = HandshakeProof.fromJson(json("{\"commitment\":\"" + C + "\",\"response\":\"" + S + "\"}"));
        assertEquals("{\"commitment\":\"" + C + "\",\"response\":\"" + S + "\"}", JSON.writeValueAsString(proof.toJson()));
    }

    @Test
    void upperCaseHexIsAccepted() throws Exception {
        HandshakeProof lower = HandshakeProof.fromJson(json("{\"commitment\":\"" + C + "\",\"response\":\"" + S + "\"}"));
        HandshakeProof upper = HandshakeProof.fromJson(
                json("{\"commitment\":\"" + C.toUpperCase() + "\",\"response\":\"" + S.toUpperCase() + "\"}"));
        assertEquals(lower, upper);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[]",
        "\"proof\"",
        "{\"commitment\":\"" + C + "\"}",
        "{\"response\":\"" + S + "\"}",
        "{\"commitment\":\"" + C + "\",\"response\":\"" + S + "\",\"extra\":1}",
        "{\"commitment\":1,\"response\":\"" + S + "\"}",
        "{\"commitment\":\"" + C + "\",\"response\":null}",
        "{\"commitment\":\"" + C + "00\",\"response\":\"" + S + "\"}",
        "{\"commitment\":\"" + C + "\",\"response\":\"" + "zz" + "\"}",
        "{\"commitment\":\"zz" + "ad814070c5ddc7abc5a854b92f1482cccd8b68fb82c7d4341fd5c971f135" + "\",\"response\":\"" + S + "\"}"
    })
    void anyOtherShapeIsMalformed(String text) throws Exception {
        JsonNode node = json(text);
        assertEquals(Kind.MALFORMED, assertThrows(ProofException.class, () -> HandshakeProof.fromJson(node)).kind());
    }

    @Test
    void nullNodeIsMalformed() {
        assertEquals(Kind.MALFORMED, assertThrows(ProofException.class, () -> HandshakeProof.fromJson(null)).kind());
    }

    @Test
    void partsMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new HandshakeProof(new byte[31], new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> new HandshakeProof(new byte[32], new byte[64]));
    }

    @Test
    void proofKeepsItsOwnCopies() {
        byte[] commitment = new byte[32];
        HandshakeProof proof = new HandshakeProof(commitment, new byte[32]);
        commitment[0] = 9;
        proof.commitment()[1] = 9;
        proof.response()[2] = 9;
        assertArrayEquals(new byte[32], proof.commitment());
        assertArrayEquals(new byte[32], proof.response());
    }

    @Test
    void proofsWithEqualBytesAreEqual() {
        byte[] c = new byte[32];
        Arrays.fill(c, (byte) 1);
        assertEquals(new HandshakeProof(c, new byte[32]), new HandshakeProof(c.clone(), new byte[32]));
        assertEquals(new HandshakeProof(c, new byte[32]).hashCode(), new HandshakeProof(c.clone(), new byte[32]).hashCode());
    }
}
