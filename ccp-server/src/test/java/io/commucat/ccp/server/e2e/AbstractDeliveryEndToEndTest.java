package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameLimits;
import io.commucat.ccp.proto.FrameType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Delivery paced by the device's reading (issue #15 §1), end to end on a real node over TLS 1.3
 * + HTTP/2 with the SDK's transport: a device coming back to a backlog of any size gets all of
 * it, a frame of any allowed size reaches an online peer, and only a reader that stops reading
 * for the stall timeout is cut, keeping its envelopes queued. Extended once per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class AbstractDeliveryEndToEndTest {

    /** The largest payload a Msg can carry: the 16 MiB body less its longest header (1 + 5 + 5 + 4 bytes). */
    private static final int LARGEST_PAYLOAD = FrameLimits.DEFAULT.maxBodyBytes() - 16;

    private E2eNodes nodes;
    private TestNode main;
    private TestNode stalling;

    abstract Backend backend(String runId);

    @BeforeAll
    void startNodes() throws Exception {
        nodes = E2eNodes.open("dlv", this::backend);
        main = nodes.start("main", Map.of());
        stalling = nodes.start("stalling", Map.of("CCP_SECURITY_DOWNSTREAM_STALL_TIMEOUT", "1"));
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    private TestDevice newDevice() {
        return nodes.newDevice();
    }

    private String newHandle() {
        return nodes.newHandle();
    }

    /** Two devices of two users in one channel. */
    private record Pair(TestDevice alice, DeviceRun a, TestDevice bob, DeviceRun b, long channel) {
    }

    private Pair pair(TestNode node) throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = alice.connect(node, NoisePattern.XK, UserHints.handle(newHandle()));
        // Each on its own connection: a reader that stops must not hold its peer's connection window.
        DeviceRun b = bob.start(node, node.newConnection(), NoisePattern.XK, UserHints.handle(newHandle()));
        bob.identity = bob.identity.withCertificate(b.awaitEstablished().certificate());
        return new Pair(alice, a, bob, b, openTogether(a, b, bob.id));
    }

    /** Payload {@code i} of {@code size} bytes: its index first, so order and content are checked at once. */
    private static byte[] payload(int i, int size) {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        ByteBuffer.wrap(bytes).putInt(i);
        return bytes;
    }

    /** Sends every payload as a Msg, then checks each was acknowledged (none refused). */
    private static void sendAll(DeviceRun run, long channel, List<byte[]> payloads) throws Exception {
        List<Long> sequences = new ArrayList<>();
        for (byte[] p : payloads) {
            sequences.add(send(run, seq -> Frame.opaque(FrameType.MSG, channel, seq, p)));
        }
        for (long sequence : sequences) {
            assertAcked(run, sequence);
        }
    }

    private static Frame ackDelivered(DeviceRun run, long channel) throws Exception {
        Frame delivered = nextOfType(run, FrameType.MSG);
        send(run, seq -> Frame.control(FrameType.ACK, channel, seq, ControlJson.object().put("ack", delivered.sequence())));
        return delivered;
    }

    private void goOffline(TestNode node, TestDevice device, DeviceRun run) throws Exception {
        run.connection.endUpstream();
        run.awaitClosed();
        E2eNodes.awaitTrue(() -> node.state.route(device.id).isEmpty(), device.id + " offline");
    }

    /** Queues {@code count} payloads of {@code size} for an offline bob; he comes back and reads and acknowledges them all. */
    private void backlogArrivesWhole(int count, int size) throws Exception {
        Pair p = pair(main);
        goOffline(main, p.bob(), p.b());
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add(payload(i, size));
        }
        sendAll(p.a(), p.channel(), payloads);
        assertEquals(count, main.state.queuedCount(p.bob().id));

        DeviceRun again = p.bob().connect(main, NoisePattern.XK, UserHints.NONE);

        for (int i = 0; i < count; i++) {
            assertArrayEquals(payloads.get(i), ackDelivered(again, p.channel()).opaque().toByteArray(), "Msg " + i);
        }
        E2eNodes.awaitTrue(() -> main.state.queuedCount(p.bob().id) == 0, "every acknowledged envelope deleted");
        assertFalse(again.closed.isDone(), "the session goes on");
    }

    @Test
    void aBacklogOfThreeHundredFourKibMessagesReachesTheReturningDevice() throws Exception {
        backlogArrivesWhole(300, 4 * 1024);
    }

    @Test
    void aBacklogOfFourHundredSixteenKibMessagesReachesTheReturningDevice() throws Exception {
        backlogArrivesWhole(400, 16 * 1024);
    }

    private void reachesAnOnlinePeer(int size) throws Exception {
        Pair p = pair(main);
        byte[] large = payload(0, size);
        byte[] after = payload(1, 10);

        sendAll(p.a(), p.channel(), List.of(large, after));

        assertArrayEquals(large, ackDelivered(p.b(), p.channel()).opaque().toByteArray());
        assertArrayEquals(after, ackDelivered(p.b(), p.channel()).opaque().toByteArray());
        E2eNodes.awaitTrue(() -> main.state.queuedCount(p.bob().id) == 0, "both envelopes deleted");
        assertFalse(p.b().closed.isDone(), "the peer stays connected");
    }

    @Test
    void aMsgOfAMebibyteAndMoreReachesAnOnlinePeer() throws Exception {
        reachesAnOnlinePeer(1_100_000);
    }

    @Test
    void aMsgOfTheLargestAllowedSizeReachesAnOnlinePeer() throws Exception {
        reachesAnOnlinePeer(LARGEST_PAYLOAD);
    }

    @Test
    void aReaderThatStopsReadingIsCutAfterTheStallTimeoutAndKeepsItsEnvelopes() throws Exception {
        Pair p = pair(stalling);
        p.b().connection.stream().get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS).pauseReading();
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            payloads.add(payload(i, 16 * 1024)); // far more than the device's HTTP/2 windows
        }

        sendAll(p.a(), p.channel(), payloads);

        E2eNodes.awaitTrue(() -> stalling.state.route(p.bob().id).isEmpty(), "the stalled session ended");
        assertEquals(20, stalling.state.queuedCount(p.bob().id), "nothing unacknowledged was dropped");
        DeviceRun again = p.bob().connect(stalling, NoisePattern.XK, UserHints.NONE);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(payloads.get(i), ackDelivered(again, p.channel()).opaque().toByteArray(), "Msg " + i);
        }
    }

    /**
     * Issue #19 §1, slow receivers: in a busy channel, one member stops reading. It is cut after
     * the stall timeout, with that reason in the ledger, and keeps its envelopes; meanwhile the
     * sender's Msgs are all acknowledged and the member that reads gets every one of them.
     */
    @Test
    void aStalledMemberOfABusyChannelIsCutWithoutSlowingTheSenderOrTheOtherMembers() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        TestDevice carol = newDevice();
        DeviceRun a = alice.connect(stalling, NoisePattern.XK, UserHints.handle(newHandle()));
        DeviceRun b = bob.start(stalling, stalling.newConnection(), NoisePattern.XK, UserHints.handle(newHandle()));
        bob.identity = bob.identity.withCertificate(b.awaitEstablished().certificate());
        DeviceRun c = carol.start(stalling, stalling.newConnection(), NoisePattern.XK, UserHints.handle(newHandle()));
        carol.identity = carol.identity.withCertificate(c.awaitEstablished().certificate());
        long channel = ChannelFrames.newChannel();
        assertAcked(a, ChannelFrames.join(a, channel, bob.id, carol.id));
        assertAcked(b, ChannelFrames.join(b, channel));
        assertAcked(c, ChannelFrames.join(c, channel));
        b.connection.stream().get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS).pauseReading();
        int count = 100;
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add(payload(i, 16 * 1024));
        }

        // Offered over about twice the stall timeout, so the sender goes on after bob is cut.
        List<Long> sequences = new ArrayList<>();
        for (byte[] payload : payloads) {
            sequences.add(send(a, seq -> Frame.opaque(FrameType.MSG, channel, seq, payload)));
            Thread.sleep(20);
        }

        for (long sequence : sequences) {
            assertAcked(a, sequence);
        }
        for (int i = 0; i < count; i++) {
            assertArrayEquals(payloads.get(i), ackDelivered(c, channel).opaque().toByteArray(), "carol's Msg " + i);
        }
        JsonNode end = LedgerLines.await(stalling, "bob's session end", LedgerLines.event("session", "end", bob.id));
        assertEquals("stalled-reader", end.path("reason").asText());
        assertEquals(count, stalling.state.queuedCount(bob.id), "bob's envelopes all stay queued");
        DeviceRun again = bob.connect(stalling, NoisePattern.XK, UserHints.NONE);
        for (int i = 0; i < count; i++) {
            assertArrayEquals(payloads.get(i), ackDelivered(again, channel).opaque().toByteArray(), "bob's Msg " + i);
        }
    }

    @Test
    void aSlowButReadingDeviceIsNeverCut() throws Exception {
        Pair p = pair(stalling);
        var stream = p.b().connection.stream().get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            payloads.add(payload(i, 16 * 1024));
        }
        sendAll(p.a(), p.channel(), payloads);

        // Reads in sips, each pause shorter than the stall timeout, for longer than it in all.
        for (int i = 0; i < 40; i++) {
            stream.pauseReading();
            Thread.sleep(50);
            stream.resumeReading();
            assertArrayEquals(payloads.get(i), ackDelivered(p.b(), p.channel()).opaque().toByteArray(), "Msg " + i);
        }
        assertFalse(p.b().closed.isDone(), "the session goes on");
    }

}
