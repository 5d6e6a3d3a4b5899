package io.commucat.ccp.crypto.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.crypto.noise.NoiseException.Kind;
import io.commucat.ccp.proto.Varint;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The record layer of spec §4.1 and the fail-closed rules of a transport. */
class NoiseTransportTest {

    private static final int MAX = NoiseTransport.MAX_PLAINTEXT_LENGTH;

    /** Sender engine, receiver engine: both engines behind the same record layer, across. */
    static List<Arguments> crossEngines() {
        List<Arguments> all = new ArrayList<>();
        for (NoiseEngine sender : NoiseEngine.values()) {
            for (NoiseEngine receiver : NoiseEngine.values()) {
                all.add(Arguments.of(sender, receiver));
            }
        }
        return all;
    }

    private static Sessions.Established session(NoiseEngine sender, NoiseEngine receiver) throws NoiseException {
        return Sessions.established(NoisePattern.XK, sender, receiver);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        Sessions.RANDOM.nextBytes(b);
        return b;
    }

    private static void assertFails(Kind kind, NoiseTransport transport, Executable call) {
        NoiseException e = assertThrows(NoiseException.class, call);
        assertEquals(kind, e.kind());
        assertEquals(NoiseTransport.State.FAILED, transport.state());
    }

    /** Record lengths as they appear on the wire. */
    private static List<Integer> recordLengths(byte[] wire) throws Exception {
        List<Integer> lengths = new ArrayList<>();
        for (int pos = 0; pos < wire.length; ) {
            Varint.Decoded d = Varint.decode(wire, pos, wire.length);
            lengths.add((int) d.value());
            pos += d.length() + (int) d.value();
        }
        return lengths;
    }

    @ParameterizedTest(name = "{0} seals, {1} opens")
    @MethodSource("crossEngines")
    void a16MiBFrameSplitsIntoCeilNOver65519RecordsAndReassemblesExactly(NoiseEngine sender, NoiseEngine receiver)
            throws Exception {
        Sessions.Established session = session(sender, receiver);
        byte[] frame = random(16 * 1024 * 1024 + 24);
        byte[] wire = session.initiator().seal(frame);

        List<Integer> lengths = recordLengths(wire);
        assertEquals((frame.length + MAX - 1) / MAX, lengths.size());
        for (int i = 0; i < lengths.size() - 1; i++) {
            assertEquals(NoiseTransport.MAX_MESSAGE_LENGTH, lengths.get(i));
        }
        assertEquals(NoiseTransport.sealedLength(frame.length), wire.length);
        assertArrayEquals(frame, session.responder().open(wire));
    }

    @ParameterizedTest(name = "{0} seals, {1} opens")
    @MethodSource("crossEngines")
    void wireBytesDeliveredOneAtATimeYieldTheSamePlaintext(NoiseEngine sender, NoiseEngine receiver)
            throws NoiseException {
        Sessions.Established session = session(sender, receiver);
        byte[] plaintext = random(2 * MAX + 1000);
        byte[] wire = session.initiator().seal(plaintext);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int i = 0; i < wire.length; i++) {
            session.responder().open(wire, i, 1, received::writeBytes);
        }
        assertArrayEquals(plaintext, received.toByteArray());
        assertEquals(0, session.responder().pendingBytes());
    }

    @Test
    void anIdleReceiverHoldsNoRecordBuffer() throws NoiseException {
        Sessions.Established session = session(NoiseEngine.FAST, NoiseEngine.FAST);
        byte[] wire = session.initiator().seal(random(1000));
        session.responder().open(wire, 0, 500, p -> { });
        // The 2-byte prefix is consumed; the record body so far is buffered.
        assertEquals(500 - Varint.size(1000 + NoiseTransport.TAG_LENGTH), session.responder().pendingBytes());
        session.responder().open(wire, 500, wire.length - 500, p -> { });
        assertEquals(0, session.responder().pendingBytes());
    }

    @ParameterizedTest
    @ValueSource(ints = {65536, 1 << 20, Integer.MAX_VALUE})
    void aRecordLengthOver65535IsRejectedAsSoonAsItsPrefixArrives(int length) throws NoiseException {
        NoiseTransport receiver = session(NoiseEngine.FAST, NoiseEngine.FAST).responder();
        byte[] prefix = Varint.encode(length);
        assertFails(Kind.MESSAGE_TOO_LARGE, receiver, () -> receiver.open(prefix));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15})
    void aRecordShorterThanItsTagIsRejected(int length) throws NoiseException {
        NoiseTransport receiver = session(NoiseEngine.FAST, NoiseEngine.FAST).responder();
        byte[] prefix = Varint.encode(length);
        assertFails(Kind.MALFORMED_MESSAGE, receiver, () -> receiver.open(prefix));
    }

    @Test
    void anOverflowingLengthPrefixIsMalformed() throws NoiseException {
        NoiseTransport receiver = session(NoiseEngine.FAST, NoiseEngine.FAST).responder();
        byte[] prefix = new byte[11];
        java.util.Arrays.fill(prefix, (byte) 0xFF);
        assertFails(Kind.MALFORMED_MESSAGE, receiver, () -> receiver.open(prefix));
    }

    @ParameterizedTest(name = "{0} seals, {1} opens")
    @MethodSource("crossEngines")
    void aFlippedCiphertextByteFailsAndEveryLaterRecordIsRefused(NoiseEngine sender, NoiseEngine receiver)
            throws NoiseException {
        Sessions.Established session = session(sender, receiver);
        byte[] first = session.initiator().seal(random(100));
        byte[] second = session.initiator().seal(random(100));
        first[first.length - 20] ^= 1;
        List<byte[]> delivered = new ArrayList<>();
        NoiseTransport responder = session.responder();
        assertFails(Kind.DECRYPT, responder, () -> responder.open(first, 0, first.length, delivered::add));
        assertTrue(delivered.isEmpty());
        assertFails(Kind.BAD_STATE, responder, () -> responder.open(second));
        assertFails(Kind.BAD_STATE, responder, () -> responder.seal(new byte[1]));
    }

    @Test
    void aFailingRecordInsideOneChunkStopsDeliveryBeforeIt() throws NoiseException {
        Sessions.Established session = session(NoiseEngine.FAST, NoiseEngine.FAST);
        byte[] good = session.initiator().seal(new byte[] {1, 2, 3});
        byte[] bad = session.initiator().seal(new byte[] {4, 5, 6});
        bad[bad.length - 1] ^= 1;
        byte[] wire = new byte[good.length + bad.length];
        System.arraycopy(good, 0, wire, 0, good.length);
        System.arraycopy(bad, 0, wire, good.length, bad.length);
        List<byte[]> delivered = new ArrayList<>();
        NoiseTransport responder = session.responder();
        assertFails(Kind.DECRYPT, responder, () -> responder.open(wire, 0, wire.length, delivered::add));
        assertEquals(1, delivered.size());
        assertArrayEquals(new byte[] {1, 2, 3}, delivered.get(0));
    }

    @ParameterizedTest(name = "{0} seals, {1} opens")
    @MethodSource("crossEngines")
    void recordsReplayedOrReorderedFailToDecrypt(NoiseEngine sender, NoiseEngine receiver) throws NoiseException {
        Sessions.Established session = session(sender, receiver);
        byte[] first = session.initiator().seal(random(10));
        byte[] second = session.initiator().seal(random(10));
        NoiseTransport responder = session.responder();
        assertFails(Kind.DECRYPT, responder, () -> responder.open(second));
    }

    @Test
    void anEmptyPlaintextSealsToNothing() throws NoiseException {
        assertEquals(0, session(NoiseEngine.FAST, NoiseEngine.FAST).initiator().seal(new byte[0]).length);
    }

    @Test
    void anEmptyRecordIsConsumedWithoutDelivery() throws NoiseException {
        Sessions.Established session = session(NoiseEngine.FAST, NoiseEngine.FAST);
        byte[] message = session.initiator().encrypt(new byte[0]);
        byte[] wire = new byte[1 + message.length];
        wire[0] = (byte) message.length;
        System.arraycopy(message, 0, wire, 1, message.length);
        List<byte[]> delivered = new ArrayList<>();
        session.responder().open(wire, 0, wire.length, delivered::add);
        assertTrue(delivered.isEmpty());
        assertEquals(NoiseTransport.State.OPEN, session.responder().state());
    }

    @Test
    void sealedLengthCountsOnePrefixAndTagPerStartedChunk() {
        assertEquals(0, NoiseTransport.sealedLength(0));
        assertEquals(1 + 1 + 16, NoiseTransport.sealedLength(1));
        assertEquals(3 + 65535, NoiseTransport.sealedLength(MAX));
        assertEquals(3 + 65535 + 1 + 17, NoiseTransport.sealedLength(MAX + 1));
    }

    @Test
    void aSingleMessageOver65519PlaintextBytesIsRejected() throws NoiseException {
        NoiseTransport sender = session(NoiseEngine.FAST, NoiseEngine.FAST).initiator();
        assertFails(Kind.MESSAGE_TOO_LARGE, sender, () -> sender.encrypt(new byte[MAX + 1]));
    }

    @Test
    void aSingleMessageOver65535BytesIsRejected() throws NoiseException {
        NoiseTransport receiver = session(NoiseEngine.FAST, NoiseEngine.FAST).responder();
        assertFails(Kind.MESSAGE_TOO_LARGE, receiver, () -> receiver.decrypt(new byte[65536]));
    }

    @Test
    void aSingleMessageShorterThanItsTagIsMalformed() throws NoiseException {
        NoiseTransport receiver = session(NoiseEngine.FAST, NoiseEngine.FAST).responder();
        assertFails(Kind.MALFORMED_MESSAGE, receiver, () -> receiver.decrypt(new byte[15]));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void theSenderStopsAtTheLastNonce(NoiseEngine engine) throws NoiseException {
        Sessions.Established session = session(engine, engine);
        NoiseTransport sender = session.initiator();
        NoiseTransport receiver = session.responder();
        sender.setNoncesForTesting(-2L, 0);
        receiver.setNoncesForTesting(0, -2L);
        byte[] last = sender.encrypt(new byte[] {42});
        assertArrayEquals(new byte[] {42}, receiver.decrypt(last));
        assertFails(Kind.NONCE_EXHAUSTED, sender, () -> sender.encrypt(new byte[] {43}));
    }

    @ParameterizedTest
    @EnumSource(NoiseEngine.class)
    void theReceiverStopsAtTheLastNonce(NoiseEngine engine) throws NoiseException {
        Sessions.Established session = session(engine, engine);
        NoiseTransport receiver = session.responder();
        receiver.setNoncesForTesting(0, -1L);
        byte[] wire = session.initiator().seal(new byte[] {1});
        assertFails(Kind.NONCE_EXHAUSTED, receiver, () -> receiver.open(wire));
    }

    @Test
    void aSinkFailureEndsTheTransport() throws NoiseException {
        Sessions.Established session = session(NoiseEngine.FAST, NoiseEngine.FAST);
        byte[] wire = session.initiator().seal(new byte[] {1});
        NoiseTransport receiver = session.responder();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> receiver.open(wire, 0, wire.length, p -> {
                    throw new IllegalStateException("frame decoder says no");
                }));
        assertEquals("frame decoder says no", e.getMessage());
        assertEquals(NoiseTransport.State.FAILED, receiver.state());
    }

    @Test
    void aClosedTransportRefusesEverything() throws NoiseException {
        Sessions.Established session = session(NoiseEngine.FAST, NoiseEngine.FAST);
        NoiseTransport transport = session.initiator();
        transport.close();
        assertEquals(NoiseTransport.State.CLOSED, transport.state());
        NoiseException e = assertThrows(NoiseException.class, () -> transport.encrypt(new byte[1]));
        assertEquals(Kind.BAD_STATE, e.kind());
    }
}
