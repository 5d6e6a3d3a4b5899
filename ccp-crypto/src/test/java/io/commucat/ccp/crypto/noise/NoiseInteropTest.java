package io.commucat.ccp.crypto.noise;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast engine and stock noise-java talk to each other, in both roles, XK and IK. */
class NoiseInteropTest {

    static List<Arguments> engines() {
        List<Arguments> all = new ArrayList<>();
        for (NoisePattern pattern : NoisePattern.values()) {
            for (NoiseEngine initiator : NoiseEngine.values()) {
                for (NoiseEngine responder : NoiseEngine.values()) {
                    all.add(Arguments.of(pattern, initiator, responder));
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0}: {1} initiator, {2} responder")
    @MethodSource("engines")
    void handshakePayloadsArriveAndBothSidesAgreeOnHashAndStatics(NoisePattern pattern, NoiseEngine initiatorEngine,
            NoiseEngine responderEngine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(pattern, initiatorEngine, responderEngine);
        for (int i = 0; i < pattern.messageCount(); i++) {
            byte[] payload = ("{\"message\":" + i + "}").getBytes(UTF_8);
            assertArrayEquals(payload, pair.exchange(i, payload), "payload of message " + i);
        }
        assertArrayEquals(pair.initiator().handshakeHash(), pair.responder().handshakeHash());
        assertArrayEquals(pair.initiatorStatic().publicKey(), pair.responder().remoteStatic().orElseThrow());
        assertArrayEquals(pair.responderStatic().publicKey(), pair.initiator().remoteStatic().orElseThrow());
    }

    @ParameterizedTest(name = "{0}: {1} initiator, {2} responder")
    @MethodSource("engines")
    void transportMessagesFlowBothWays(NoisePattern pattern, NoiseEngine initiatorEngine,
            NoiseEngine responderEngine) throws NoiseException {
        Sessions.Established session = Sessions.established(pattern, initiatorEngine, responderEngine);
        for (int round = 0; round < 3; round++) {
            byte[] up = ("up " + round).getBytes(UTF_8);
            byte[] down = ("down " + round).getBytes(UTF_8);
            assertArrayEquals(up, session.responder().decrypt(session.initiator().encrypt(up)));
            assertArrayEquals(down, session.initiator().decrypt(session.responder().encrypt(down)));
        }
    }

    @ParameterizedTest(name = "{0}: {1} initiator, {2} responder")
    @MethodSource("engines")
    void multiRecordStreamsFlowBothWays(NoisePattern pattern, NoiseEngine initiatorEngine,
            NoiseEngine responderEngine) throws NoiseException {
        Sessions.Established session = Sessions.established(pattern, initiatorEngine, responderEngine);
        byte[] big = new byte[3 * NoiseTransport.MAX_PLAINTEXT_LENGTH + 5];
        Sessions.RANDOM.nextBytes(big);
        assertArrayEquals(big, session.responder().open(session.initiator().seal(big)));
        assertArrayEquals(big, session.initiator().open(session.responder().seal(big)));
    }

    @ParameterizedTest(name = "{0}: {1} writes, {2} reads")
    @MethodSource("engines")
    void theLargestPayloadMakesA65535ByteMessageThatThePeerReads(NoisePattern pattern, NoiseEngine initiatorEngine,
            NoiseEngine responderEngine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(pattern, initiatorEngine, responderEngine);
        byte[] payload = new byte[pattern.maxPayloadLength(0)];
        Sessions.RANDOM.nextBytes(payload);
        byte[] message = pair.initiator().writeMessage(payload);
        assertEquals(NoiseTransport.MAX_MESSAGE_LENGTH, message.length);
        assertArrayEquals(payload, pair.responder().readMessage(message));
    }
}
