package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.noise.NoiseException.Kind;
import io.commucat.ccp.proto.testing.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** A handshake fails closed: every failure has a kind and leaves the handshake FAILED for good. */
class NoiseHandshakeFailureTest {

    private static final NoiseKeyPair INITIATOR_STATIC = key(1);
    private static final NoiseKeyPair RESPONDER_STATIC = key(2);
    private static final NoiseKeyPair INITIATOR_EPHEMERAL = key(3);
    private static final NoiseKeyPair RESPONDER_EPHEMERAL = key(4);
    private static final NoiseKeyPair STRANGER = key(5);

    /** Public keys of small order: every X25519 with them is zero (u = 0, 1, order 8, p - 1, p, p + 1). */
    private static final String[] SMALL_ORDER = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    };

    private static NoiseKeyPair key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return NoiseKeyPair.fromPrivateKey(k);
    }

    /** A reader about to read message {@code index}, and that message as written honestly. */
    private record Stage(NoiseHandshake reader, byte[] message) {
    }

    /** Deterministic (fixed ephemeral keys), so every call yields the same message bytes. */
    private static Stage stage(NoiseEngine engine, NoisePattern pattern, int index) throws NoiseException {
        NoiseHandshake initiator = engine.withFixedEphemeralForTesting(NoiseRole.INITIATOR, pattern,
                INITIATOR_STATIC, RESPONDER_STATIC.publicKey(), Sessions.PROLOGUE, INITIATOR_EPHEMERAL);
        NoiseHandshake responder = engine.withFixedEphemeralForTesting(NoiseRole.RESPONDER, pattern,
                RESPONDER_STATIC, null, Sessions.PROLOGUE, RESPONDER_EPHEMERAL);
        for (int i = 0; ; i++) {
            NoiseHandshake writer = i % 2 == 0 ? initiator : responder;
            NoiseHandshake reader = i % 2 == 0 ? responder : initiator;
            byte[] message = writer.writeMessage(new byte[] {'h', 'i'});
            if (i == index) {
                return new Stage(reader, message);
            }
            reader.readMessage(message);
        }
    }

    static List<Arguments> everyHandshakeMessage() {
        List<Arguments> all = new ArrayList<>();
        for (NoiseEngine engine : NoiseEngine.values()) {
            for (NoisePattern pattern : NoisePattern.values()) {
                for (int i = 0; i < pattern.messageCount(); i++) {
                    all.add(Arguments.of(engine, pattern, i + 1));
                }
            }
        }
        return all;
    }

    static List<Arguments> enginesAndPatterns() {
        List<Arguments> all = new ArrayList<>();
        for (NoiseEngine engine : NoiseEngine.values()) {
            for (NoisePattern pattern : NoisePattern.values()) {
                all.add(Arguments.of(engine, pattern));
            }
        }
        return all;
    }

    static List<Arguments> smallOrderKeys() {
        List<Arguments> all = new ArrayList<>();
        for (NoiseEngine engine : NoiseEngine.values()) {
            for (NoisePattern pattern : NoisePattern.values()) {
                for (String key : SMALL_ORDER) {
                    all.add(Arguments.of(engine, pattern, key));
                }
            }
        }
        return all;
    }

    private static void assertFails(Kind kind, NoiseHandshake handshake, Executable call) {
        NoiseException e = assertThrows(NoiseException.class, call);
        assertEquals(kind, e.kind());
        assertEquals(NoiseHandshake.State.FAILED, handshake.state());
    }

    @ParameterizedTest(name = "{0} {1} message {2}")
    @MethodSource("everyHandshakeMessage")
    void flippingAnyBitOfAMessageFailsTheReaderWithDecryptAndForGood(NoiseEngine engine, NoisePattern pattern,
            int number) throws NoiseException {
        byte[] honest = stage(engine, pattern, number - 1).message();
        for (int pos = 0; pos < honest.length; pos++) {
            // Bit 7 of a key's last byte matters too: X25519 ignores it, but the transcript hash does not.
            for (int bit : new int[] {0x01, 0x80}) {
                Stage fresh = stage(engine, pattern, number - 1);
                assertArrayEquals(honest, fresh.message());
                byte[] tampered = honest.clone();
                tampered[pos] ^= (byte) bit;
                assertFails(Kind.DECRYPT, fresh.reader(), () -> fresh.reader().readMessage(tampered));
                assertFails(Kind.BAD_STATE, fresh.reader(), () -> fresh.reader().readMessage(honest));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} message {2}")
    @MethodSource("everyHandshakeMessage")
    void aMessageMissingItsLastByteFailsWithDecrypt(NoiseEngine engine, NoisePattern pattern, int number)
            throws NoiseException {
        Stage stage = stage(engine, pattern, number - 1);
        byte[] cut = Arrays.copyOf(stage.message(), stage.message().length - 1);
        assertFails(Kind.DECRYPT, stage.reader(), () -> stage.reader().readMessage(cut));
    }

    @ParameterizedTest(name = "{0} {1} message {2}")
    @MethodSource("everyHandshakeMessage")
    void aMessageShorterThanItsKeysAndTagsIsMalformed(NoiseEngine engine, NoisePattern pattern, int number)
            throws NoiseException {
        Stage stage = stage(engine, pattern, number - 1);
        byte[] cut = Arrays.copyOf(stage.message(), pattern.overhead(number - 1) - 1);
        assertFails(Kind.MALFORMED_MESSAGE, stage.reader(), () -> stage.reader().readMessage(cut));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndPatterns")
    void aMessageOver65535BytesIsRejected(NoiseEngine engine, NoisePattern pattern) {
        NoiseHandshake responder = engine.responder(pattern, RESPONDER_STATIC, Sessions.PROLOGUE);
        assertFails(Kind.MESSAGE_TOO_LARGE, responder, () -> responder.readMessage(new byte[65536]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndPatterns")
    void aPayloadThatWouldMakeTheMessageOver65535BytesIsRejected(NoiseEngine engine, NoisePattern pattern) {
        NoiseHandshake initiator = engine.initiator(pattern, INITIATOR_STATIC, RESPONDER_STATIC.publicKey(),
                Sessions.PROLOGUE);
        byte[] payload = new byte[pattern.maxPayloadLength(0) + 1];
        assertFails(Kind.MESSAGE_TOO_LARGE, initiator, () -> initiator.writeMessage(payload));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndPatterns")
    void anInitiatorWithTheWrongResponderKeyIsRejectedByTheResponder(NoiseEngine engine, NoisePattern pattern)
            throws NoiseException {
        NoiseHandshake initiator = engine.initiator(pattern, INITIATOR_STATIC, STRANGER.publicKey(),
                Sessions.PROLOGUE);
        NoiseHandshake responder = engine.responder(pattern, RESPONDER_STATIC, Sessions.PROLOGUE);
        byte[] message = initiator.writeMessage(new byte[0]);
        assertFails(Kind.DECRYPT, responder, () -> responder.readMessage(message));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("enginesAndPatterns")
    void differentProloguesDoNotComplete(NoiseEngine engine, NoisePattern pattern) throws NoiseException {
        NoiseHandshake initiator = engine.initiator(pattern, INITIATOR_STATIC, RESPONDER_STATIC.publicKey(),
                Sessions.PROLOGUE);
        NoiseHandshake responder = engine.responder(pattern, RESPONDER_STATIC, new byte[] {'x'});
        byte[] message = initiator.writeMessage(new byte[0]);
        assertFails(Kind.DECRYPT, responder, () -> responder.readMessage(message));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("smallOrderKeys")
    void aSmallOrderEphemeralKeyFromTheInitiatorFailsWithBadKey(NoiseEngine engine, NoisePattern pattern,
            String key) throws NoiseException {
        byte[] message = stage(engine, pattern, 0).message();
        System.arraycopy(Vectors.hex(key), 0, message, 0, 32);
        NoiseHandshake responder = engine.responder(pattern, RESPONDER_STATIC, Sessions.PROLOGUE);
        assertFails(Kind.BAD_KEY, responder, () -> responder.readMessage(message));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("smallOrderKeys")
    void aSmallOrderEphemeralKeyFromTheResponderFailsWithBadKey(NoiseEngine engine, NoisePattern pattern,
            String key) throws NoiseException {
        Stage stage = stage(engine, pattern, 1);
        byte[] message = stage.message();
        System.arraycopy(Vectors.hex(key), 0, message, 0, 32);
        assertFails(Kind.BAD_KEY, stage.reader(), () -> stage.reader().readMessage(message));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("smallOrderKeys")
    void aSmallOrderResponderStaticKeyFailsTheInitiatorWithBadKey(NoiseEngine engine, NoisePattern pattern,
            String key) {
        NoiseHandshake initiator = engine.initiator(pattern, INITIATOR_STATIC, Vectors.hex(key), Sessions.PROLOGUE);
        assertFails(Kind.BAD_KEY, initiator, () -> initiator.writeMessage(new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void aResponderThatWritesFirstFailsWithBadState(NoiseEngine engine) {
        NoiseHandshake responder = engine.responder(NoisePattern.XK, RESPONDER_STATIC, Sessions.PROLOGUE);
        assertFails(Kind.BAD_STATE, responder, () -> responder.writeMessage(new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void anInitiatorThatReadsFirstFailsWithBadState(NoiseEngine engine) {
        NoiseHandshake initiator = engine.initiator(NoisePattern.XK, INITIATOR_STATIC, RESPONDER_STATIC.publicKey(),
                Sessions.PROLOGUE);
        assertFails(Kind.BAD_STATE, initiator, () -> initiator.readMessage(new byte[48]));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void splittingBeforeTheLastMessageFailsWithBadState(NoiseEngine engine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(NoisePattern.XK, engine, engine);
        pair.exchange(0, new byte[0]);
        pair.exchange(1, new byte[0]);
        assertFails(Kind.BAD_STATE, pair.initiator(), () -> pair.initiator().split());
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void splittingTwiceFailsWithBadState(NoiseEngine engine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(NoisePattern.IK, engine, engine);
        pair.exchange(0, new byte[0]);
        pair.exchange(1, new byte[0]);
        pair.responder().split();
        assertFails(Kind.BAD_STATE, pair.responder(), () -> pair.responder().split());
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void writingAfterTheLastMessageFailsWithBadState(NoiseEngine engine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(NoisePattern.IK, engine, engine);
        pair.exchange(0, new byte[0]);
        pair.exchange(1, new byte[0]);
        assertEquals(NoiseHandshake.State.SPLIT, pair.responder().state());
        assertFails(Kind.BAD_STATE, pair.responder(), () -> pair.responder().writeMessage(new byte[0]));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void theHandshakeHashIsRefusedBeforeTheEndWithoutChangingTheState(NoiseEngine engine) {
        NoiseHandshake initiator = engine.initiator(NoisePattern.XK, INITIATOR_STATIC, RESPONDER_STATIC.publicKey(),
                Sessions.PROLOGUE);
        NoiseException e = assertThrows(NoiseException.class, initiator::handshakeHash);
        assertEquals(Kind.BAD_STATE, e.kind());
        assertEquals(NoiseHandshake.State.WRITE, initiator.state());
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void anXkResponderLearnsTheInitiatorsStaticKeyOnlyFromMessage3(NoiseEngine engine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(NoisePattern.XK, engine, engine);
        pair.exchange(0, new byte[0]);
        pair.exchange(1, new byte[0]);
        assertTrue(pair.responder().remoteStatic().isEmpty());
        pair.exchange(2, new byte[0]);
        assertArrayEquals(pair.initiatorStatic().publicKey(), pair.responder().remoteStatic().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void anIkResponderLearnsTheInitiatorsStaticKeyFromMessage1(NoiseEngine engine) throws NoiseException {
        Sessions.Pair pair = Sessions.start(NoisePattern.IK, engine, engine);
        pair.exchange(0, new byte[0]);
        assertArrayEquals(pair.initiatorStatic().publicKey(), pair.responder().remoteStatic().orElseThrow());
    }
}
