package io.commucat.ccp.crypto.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PairingClaimProofTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void messageIsTheContextAndTheNormalisedCodeInAscii() {
        assertArrayEquals("ccp-pair-claim:ABCD2345".getBytes(StandardCharsets.US_ASCII),
                PairingClaimProof.message("ABCD2345"));
    }

    @Test
    void normalisationDropsSpacesAndHyphensAndUpperCases() {
        assertEquals("ABCD2345", PairingClaimProof.normalise(" abcd-2345 "));
    }

    @Test
    void aSignatureOverTheDisplayedCodeVerifiesForTheNormalisedOne() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);

        assertTrue(PairingClaimProof.verify(key.publicKey(), "ABCD2345", PairingClaimProof.sign(key, "abcd-2345")));
    }

    @Test
    void aSignatureForAnotherCodeDoesNotVerify() {
        DeviceKeyPair key = DeviceKeyPair.generate(RANDOM);

        assertFalse(PairingClaimProof.verify(key.publicKey(), "ABCD2346", PairingClaimProof.sign(key, "ABCD-2345")));
    }
}
