package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.answerTo;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.client.transport.H2Connection;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.connect.ConnectSession;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Back-pressure from storage to a sender (issue #19 §2; docs/relay.md "Back-pressure"), end to
 * end on a real node over TLS 1.3 + HTTP/2 with the SDK's transport: while the inbox cannot
 * commit (the test holds the recipient's {@code inbox_usage} row lock in a transaction of its
 * own, as a slow commit would), a flooding sender is not read any more instead of being refused
 * {@code busy}; once the lock is gone every Msg is acknowledged and delivered once, in order.
 * Extended once per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class AbstractStorageBackPressureTest {

    /** Far beyond what the session may hold for storage (a 512-frame high-water mark). */
    private static final int FLOOD = 3_000;
    private static final int PAYLOAD = 1024;
    /** SessionRelay.HIGH_WATER_FRAMES: the session stops reading once this many frames wait for storage. */
    private static final int HIGH_WATER_FRAMES = 512;
    /** SessionRelay.MAX_QUEUED_FRAMES: the hard cap beyond which frames are refused busy. */
    private static final int MAX_QUEUED_FRAMES = 1024;
    /**
     * What one chunk read before the pause can carry beyond the mark: an HTTP/2 DATA frame is at
     * most 16 KiB (the server's max_frame_size), so at most 16 of these Msgs (each over 1 KiB sealed).
     */
    private static final int ONE_CHUNK_OF_MSGS = 16;
    /** InboxWriter commits with two writers, a recipient's requests on writer hash(recipient) mod 2. */
    private static final int INBOX_WRITERS = 2;

    private E2eNodes nodes;
    private TestNode main;

    abstract Backend backend(String runId);

    @BeforeAll
    void startNode() throws Exception {
        nodes = E2eNodes.open("bp", this::backend);
        main = nodes.start("main", Map.of());
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    /** Two devices of two users in one channel, the sender on {@code senderConnection}, the reader on its own. */
    private record Pair(TestDevice sender, DeviceRun s, TestDevice reader, DeviceRun r, long channel) {
    }

    private Pair pair(H2Connection senderConnection, TestDevice reader) throws Exception {
        TestDevice sender = nodes.newDevice();
        DeviceRun s = sender.start(main, senderConnection, NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        sender.identity = sender.identity.withCertificate(s.awaitEstablished().certificate());
        DeviceRun r = reader.start(main, main.newConnection(), NoisePattern.XK, UserHints.handle(nodes.newHandle()));
        reader.identity = reader.identity.withCertificate(r.awaitEstablished().certificate());
        return new Pair(sender, s, reader, r, openTogether(s, r, reader.id));
    }

    /** A device whose inbox commits on the other writer than {@code other}'s, so the lock on one does not hold the other. */
    private TestDevice onTheOtherWriter(TestDevice other) {
        while (true) {
            TestDevice device = nodes.newDevice();
            if (Math.floorMod(device.id.hashCode(), INBOX_WRITERS) != Math.floorMod(other.id.hashCode(), INBOX_WRITERS)) {
                return device;
            }
        }
    }

    /** Payload {@code i}: its index first, so order and content are checked at once. */
    private static byte[] payload(int i) {
        byte[] bytes = new byte[PAYLOAD];
        ThreadLocalRandom.current().nextBytes(bytes);
        ByteBuffer.wrap(bytes).putInt(i);
        return bytes;
    }

    private static Frame ackDelivered(DeviceRun run, long channel) throws Exception {
        Frame delivered = nextOfType(run, FrameType.MSG);
        send(run, seq -> Frame.control(FrameType.ACK, channel, seq, ControlJson.object().put("ack", delivered.sequence())));
        return delivered;
    }

    /** One Msg sent, acknowledged, delivered and acknowledged by the reader (so its inbox_usage row exists). */
    private static void exchange(Pair p, byte[] payload) throws Exception {
        assertAcked(p.s(), send(p.s(), seq -> Frame.opaque(FrameType.MSG, p.channel(), seq, payload)));
        assertArrayEquals(payload, ackDelivered(p.r(), p.channel()).opaque().toByteArray());
    }

    private ConnectSession.StorageIntake intake(TestDevice device) throws Exception {
        ConnectSession session = main.node.session(device.id);
        assertNotNull(session, device.id + " has a session here");
        return session.storageIntake().get(10, TimeUnit.SECONDS).orElseThrow();
    }

    /** Holds the recipient's usage row lock until closed: the inbox writer's commit for it waits. */
    private Connection lockUsageRow(String recipient) throws Exception {
        Connection c = main.state.connection();
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("SELECT envelopes FROM inbox_usage WHERE recipient = ? FOR UPDATE")) {
            s.setString(1, recipient);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "the usage row of " + recipient + " exists");
            }
        }
        return c;
    }

    @Test
    void aSenderFasterThanStorageIsSlowedNotRefusedAndEveryMsgArrivesOnceInOrder() throws Exception {
        H2Connection shared = main.newConnection();
        Pair flood = pair(shared, nodes.newDevice());
        // The other sender shares the flooding sender's HTTP/2 connection: only the flooding stream stalls.
        Pair other = pair(shared, onTheOtherWriter(flood.reader()));
        exchange(flood, payload(-1));
        exchange(other, payload(-1));
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            payloads.add(payload(i));
        }

        List<Long> sequences = new ArrayList<>();
        List<CompletableFuture<Void>> written = new ArrayList<>();
        Connection lock = lockUsageRow(flood.reader().id);
        try {
            for (byte[] p : payloads) {
                long sequence = flood.s().connection.nextSequence();
                sequences.add(sequence);
                written.add(flood.s().connection.send(Frame.opaque(FrameType.MSG, flood.channel(), sequence, p)));
            }
            E2eNodes.awaitTrue(() -> !intake(flood.sender()).reading(), "the flooding session stops reading");
            // The SDK keeps what the stream's window does not take in its own bounded queue, not in Netty's flow controller.
            E2eNodes.awaitTrue(() -> flood.s().connection.pendingBytes() > FLOOD * PAYLOAD / 2,
                    "most of the flood waits unsent in the SDK: " + flood.s().connection.pendingBytes());

            for (int i = 0; i < 5; i++) {
                exchange(other, payload(i));
            }
            assertTrue(intake(flood.sender()).frames() >= HIGH_WATER_FRAMES, "the flood still waits for the lock");
            assertTrue(flood.s().frames.isEmpty(), "no answer while storage cannot commit: " + flood.s().frames.peek());
        } finally {
            lock.rollback();
            lock.close();
        }

        for (long sequence : sequences) {
            Frame answer = answerTo(flood.s(), sequence);
            assertEquals(FrameType.ACK, answer.type(), answer.toString());
        }
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < FLOOD; i++) {
            assertArrayEquals(payloads.get(i), ackDelivered(flood.r(), flood.channel()).opaque().toByteArray(), "Msg " + i);
        }
        // Nothing came twice: the next Msg the reader gets is one sent after the flood.
        exchange(flood, payload(FLOOD));
        ConnectSession.StorageIntake after = intake(flood.sender());
        assertTrue(after.peakFrames() >= HIGH_WATER_FRAMES, "the mark was reached: " + after);
        assertTrue(after.peakFrames() <= HIGH_WATER_FRAMES + ONE_CHUNK_OF_MSGS,
                "no more than one chunk beyond the mark: " + after);
        assertTrue(after.peakFrames() < MAX_QUEUED_FRAMES, "far from the busy cap: " + after);
        assertTrue(after.reading(), "reading again: " + after);
        assertEquals(0, flood.s().connection.pendingBytes(), "everything went out");
        String paused = main.scrapeMetrics().lines().filter(l -> l.startsWith("ccp_relay_upstream_paused_total "))
                .findFirst().orElseThrow(() -> new AssertionError("no ccp_relay_upstream_paused_total"));
        assertTrue(Double.parseDouble(paused.substring(paused.indexOf(' ') + 1)) >= 1, paused);
        assertFalse(flood.s().closed.isDone(), "the session goes on");
    }
}
