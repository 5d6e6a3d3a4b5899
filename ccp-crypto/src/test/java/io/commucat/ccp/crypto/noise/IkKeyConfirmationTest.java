package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spec §3.4: IK finishes with message 2, so the device confirms the keys with its first transport
 * message, empty plaintext, which the server decrypts.
 */
class IkKeyConfirmationTest {

    static List<Arguments> engines() {
        List<Arguments> all = new ArrayList<>();
        for (NoiseEngine device : NoiseEngine.values()) {
            for (NoiseEngine server : NoiseEngine.values()) {
                all.add(Arguments.of(device, server));
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0} device, {1} server")
    @MethodSource("engines")
    void theServerDecryptsTheDevicesEmptyFirstTransportMessage(NoiseEngine device, NoiseEngine server)
            throws NoiseException {
        Sessions.Established session = Sessions.established(NoisePattern.IK, device, server);
        byte[] confirmation = session.initiator().encrypt(new byte[0]);
        assertEquals(NoiseTransport.TAG_LENGTH, confirmation.length);
        assertEquals(0, session.responder().decrypt(confirmation).length);
    }

    @ParameterizedTest(name = "{0} device, {1} server")
    @MethodSource("engines")
    void aConfirmationFromAnotherSessionIsRejected(NoiseEngine device, NoiseEngine server) throws NoiseException {
        Sessions.Established mine = Sessions.established(NoisePattern.IK, device, server);
        Sessions.Established other = Sessions.established(NoisePattern.IK, device, server);
        byte[] confirmation = other.initiator().encrypt(new byte[0]);
        NoiseException e = assertThrows(NoiseException.class, () -> mine.responder().decrypt(confirmation));
        assertEquals(NoiseException.Kind.DECRYPT, e.kind());
    }
}
