package io.commucat.ccp.server.e2e;

import static io.commucat.ccp.server.e2e.ChannelFrames.answerTo;
import static io.commucat.ccp.server.e2e.ChannelFrames.assertAcked;
import static io.commucat.ccp.server.e2e.ChannelFrames.join;
import static io.commucat.ccp.server.e2e.ChannelFrames.msg;
import static io.commucat.ccp.server.e2e.ChannelFrames.newChannel;
import static io.commucat.ccp.server.e2e.ChannelFrames.nextOfType;
import static io.commucat.ccp.server.e2e.ChannelFrames.openTogether;
import static io.commucat.ccp.server.e2e.ChannelFrames.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Storage and memory a peer can make a node hold ({@code [security.quota]}, issue #15 §3),
 * against a real node with small quotas: the inbox quota per device answered by a typed Error
 * and never Acked, unregistered devices and oversized channels refused at Join. Extended once
 * per storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
abstract class AbstractQuotaEndToEndTest {

    static final int INBOX_MAX_ENVELOPES = 3;
    static final int INBOX_MAX_BYTES = 64 * 1024;
    static final int CHANNEL_MAX_MEMBERS = 3;
    static final int DEVICE_MAX_CHANNELS = 2;
    /** Room for two unfinished 1.5 MiB frames (a decoder holds the whole body once past 1 MiB), not three. */
    static final int NODE_BUFFER_BYTES = 4 * 1024 * 1024;
    static final int LARGE_PAYLOAD = 1536 * 1024;
    /** How much of a large frame's wire bytes a session sends before it stops. */
    static final int LARGE_PREFIX = 1280 * 1024;

    private E2eNodes nodes;
    TestNode node;

    abstract Backend backend(String runId);

    /** Settings on top of the quotas above (subclasses for other limits). */
    Map<String, String> settings() {
        return Map.of(
                "CCP_SECURITY_QUOTA_INBOX_MAX_ENVELOPES", Integer.toString(INBOX_MAX_ENVELOPES),
                "CCP_SECURITY_QUOTA_INBOX_MAX_BYTES", Integer.toString(INBOX_MAX_BYTES),
                "CCP_SECURITY_QUOTA_CHANNEL_MAX_MEMBERS", Integer.toString(CHANNEL_MAX_MEMBERS),
                "CCP_SECURITY_QUOTA_DEVICE_MAX_CHANNELS", Integer.toString(DEVICE_MAX_CHANNELS),
                "CCP_SECURITY_QUOTA_NODE_BUFFER_BYTES", Integer.toString(NODE_BUFFER_BYTES));
    }

    @BeforeAll
    void startNode() throws Exception {
        nodes = E2eNodes.open("e2eq", this::backend);
        node = nodes.start("node", settings());
    }

    @AfterAll
    void stopEverything() {
        if (nodes != null) {
            nodes.close();
        }
    }

    TestDevice newDevice() {
        return nodes.newDevice();
    }

    String newHandle() {
        return nodes.newHandle();
    }

    DeviceRun connect(TestDevice device) throws Exception {
        return device.connect(node, NoisePattern.XK, UserHints.handle(newHandle()));
    }

    /** Alice and Bob share a channel and Bob goes offline; returns Alice's run and the channel. */
    private record Pair(DeviceRun alice, TestDevice bob, long channel) {
    }

    private Pair aliceAndOfflineBob() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        DeviceRun a = connect(alice);
        DeviceRun b = connect(bob);
        long channel = openTogether(a, b, bob.id);
        goOffline(b, bob);
        return new Pair(a, bob, channel);
    }

    private void goOffline(DeviceRun run, TestDevice device) throws Exception {
        run.connection.endUpstream();
        run.awaitClosed();
        E2eNodes.awaitTrue(() -> node.state.route(device.id).isEmpty(), device.id + " offline");
    }

    private static Frame assertRefused(DeviceRun run, long sequence, String kind) throws Exception {
        Frame answer = answerTo(run, sequence);
        assertEquals(FrameType.ERROR, answer.type(), answer.toString());
        assertEquals(kind, answer.control().text("error"));
        assertEquals(sequence, answer.control().json().path("ack").asLong(), "the Error names the refused frame");
        assertTrue(answer.control().text("detail") != null, "a detail says why");
        return answer;
    }

    // ---- inbox quota per device ----

    @Test
    void aMsgPastTheEnvelopeQuotaOfAnOfflineDeviceIsRefusedNotAckedAndNotQueued() throws Exception {
        Pair p = aliceAndOfflineBob();
        for (int i = 0; i < INBOX_MAX_ENVELOPES; i++) {
            assertAcked(p.alice(), msg(p.alice(), p.channel(), "m" + i));
        }

        Frame refusal = assertRefused(p.alice(), msg(p.alice(), p.channel(), "one too many"), "quota_exceeded");

        assertTrue(refusal.control().text("detail").contains(p.bob().id), refusal.control().text("detail"));
        assertEquals(List.of("m0", "m1", "m2"), node.state.queuedTexts(p.bob().id));
        assertFalse(p.alice().closed.isDone(), "the session goes on");
    }

    @Test
    void aMsgPastTheByteQuotaIsRefused() throws Exception {
        Pair p = aliceAndOfflineBob();
        byte[] big = new byte[40 * 1024];
        assertAcked(p.alice(), send(p.alice(), seq -> Frame.opaque(FrameType.MSG, p.channel(), seq, big)));

        assertRefused(p.alice(), send(p.alice(), seq -> Frame.opaque(FrameType.MSG, p.channel(), seq, big)),
                "quota_exceeded");

        assertEquals(1, node.state.queuedTexts(p.bob().id).size());
    }

    @Test
    void theDevicesAcknowledgementsGiveTheQuotaBack() throws Exception {
        Pair p = aliceAndOfflineBob();
        for (int i = 0; i < INBOX_MAX_ENVELOPES; i++) {
            assertAcked(p.alice(), msg(p.alice(), p.channel(), "m" + i));
        }
        assertRefused(p.alice(), msg(p.alice(), p.channel(), "refused"), "quota_exceeded");

        DeviceRun back = p.bob().connect(node, NoisePattern.XK, UserHints.NONE);
        for (int i = 0; i < INBOX_MAX_ENVELOPES; i++) {
            Frame delivered = nextOfType(back, FrameType.MSG);
            send(back, seq -> Frame.control(FrameType.ACK, p.channel(), seq,
                    ControlJson.object().put("ack", delivered.sequence())));
        }
        E2eNodes.awaitTrue(() -> node.state.queuedTexts(p.bob().id).isEmpty(), "bob's inbox drained");
        goOffline(back, p.bob());

        assertAcked(p.alice(), msg(p.alice(), p.channel(), "fits again"));
        assertEquals(List.of("fits again"), node.state.queuedTexts(p.bob().id));
    }

    @Test
    void aFrameForSeveralRecipientsIsRefusedWholeWhenOneIsOverQuota() throws Exception {
        TestDevice alice = newDevice();
        TestDevice bob = newDevice();
        TestDevice carol = newDevice();
        DeviceRun a = connect(alice);
        DeviceRun b = connect(bob);
        DeviceRun c = connect(carol);
        long channel = newChannel();
        assertAcked(a, join(a, channel, bob.id, carol.id));
        assertAcked(b, join(b, channel));
        assertAcked(c, join(c, channel));
        goOffline(b, bob);
        for (int i = 0; i < INBOX_MAX_ENVELOPES; i++) {
            assertAcked(a, msg(a, channel, "m" + i));
        }
        List<Frame> beforeRefusal = new ArrayList<>();
        for (int i = 0; i < INBOX_MAX_ENVELOPES; i++) {
            beforeRefusal.add(nextOfType(c, FrameType.MSG));
        }

        assertRefused(a, msg(a, channel, "for nobody"), "quota_exceeded");

        assertEquals(List.of("m0", "m1", "m2"), node.state.queuedTexts(carol.id), "nothing queued for carol either");
        assertEquals(List.of("m0", "m1", "m2"), beforeRefusal.stream().map(ChannelFrames::text).toList());
    }

    // ---- membership bounds ----

    @Test
    void aJoinListingUnregisteredDevicesIsRefusedAndStoresNothing() throws Exception {
        DeviceRun a = connect(newDevice());
        long channel = newChannel();

        Frame refusal = assertRefused(a, join(a, channel, nodes.runId + "-ghost-1", nodes.runId + "-ghost-2"), "unknown_device");

        assertFalse(refusal.control().text("detail").contains("ghost"), "the peer's ids are not echoed");
        assertEquals(List.of(), node.state.channelMembers(channel));
    }

    @Test
    void aJoinPastTheMembersPerChannelIsRefused() throws Exception {
        TestDevice alice = newDevice();
        DeviceRun a = connect(alice);
        List<String> others = new ArrayList<>();
        for (int i = 0; i < CHANNEL_MAX_MEMBERS; i++) {
            TestDevice other = newDevice();
            connect(other);
            others.add(other.id);
        }
        long channel = newChannel();
        assertAcked(a, join(a, channel, others.get(0), others.get(1)));

        assertRefused(a, join(a, channel, others.get(2)), "channel_full");

        assertEquals(CHANNEL_MAX_MEMBERS, node.state.channelMembers(channel).size());
    }

    @Test
    void aJoinThatWouldPutADeviceInTooManyChannelsIsRefused() throws Exception {
        DeviceRun a = connect(newDevice());
        TestDevice bob = newDevice();
        connect(bob);
        for (int i = 0; i < DEVICE_MAX_CHANNELS; i++) {
            assertAcked(a, join(a, newChannel(), bob.id));
        }
        long channel = newChannel();

        assertRefused(a, join(a, channel, bob.id), "too_many_channels");

        assertEquals(List.of(), node.state.channelMembers(channel));
    }

    // ---- node-wide buffer budget ----

    /** A session of a new device on a connection of its own, and the sealed wire bytes of one large Msg. */
    private record Holder(ManualSession session, long sequence, byte[] wire) {
        /** Sends the first bytes of the frame and stops inside it. */
        void sendPrefix() throws Exception {
            session.write(wire, 0, LARGE_PREFIX);
        }

        void sendRest() throws Exception {
            session.write(wire, LARGE_PREFIX, wire.length);
        }
    }

    private Holder holder() throws Exception {
        TestDevice device = newDevice();
        ManualSession session = ManualSession.establish(node.newConnection(),
                device.handshake(node, NoisePattern.XK, UserHints.handle(newHandle())));
        long sequence = session.nextSequence();
        // On a channel nobody opened: a complete frame is answered unknown_channel, which shows the session works.
        byte[] wire = session.seal(Frame.opaque(FrameType.MSG, newChannel(), sequence, new byte[LARGE_PAYLOAD]));
        return new Holder(session, sequence, wire);
    }

    private static void assertAnswered(Holder holder) throws Exception {
        Frame answer = holder.session().answerTo(holder.sequence());
        assertEquals("unknown_channel", answer.control().text("error"), answer.toString());
    }

    @Test
    void sessionsHoldingUnfinishedFramesCannotPassTheNodeBudgetAndOnlyTheOneThatAskedIsEnded() throws Exception {
        Holder first = holder();
        Holder second = holder();
        Holder third = holder();
        first.sendPrefix();
        second.sendPrefix();

        // The server may end the stream before the client finished writing: the write may fail.
        third.session().writeQuietly(third.wire(), 0, LARGE_PREFIX);

        third.session().closed.get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);
        // Whichever buffer the budget refuses first decides the goodbye: the frame's (answered
        // busy, sealed like the decode Error) or a split Noise record's (the transport fails with
        // it, so the stream just ends).
        Frame refusal = third.session().frames.poll();
        if (refusal != null) {
            assertEquals("busy", refusal.control().text("error"), refusal.toString());
        }
        first.sendRest();
        second.sendRest();
        assertAnswered(first);
        assertAnswered(second);
    }

    @Test
    void completedFramesAndResetStreamsGiveTheirBudgetBack() throws Exception {
        Holder completes = holder();
        Holder resets = holder();
        completes.sendPrefix();
        resets.sendPrefix();
        completes.sendRest();
        assertAnswered(completes);
        resets.session().cancel();
        resets.session().closed.get(DeviceRun.WAIT_SECONDS, TimeUnit.SECONDS);

        // Both budgets are back (or the second of these would be refused): two more frames fit.
        Holder again = holder();
        Holder andAgain = holder();
        again.sendPrefix();
        andAgain.sendPrefix();
        again.sendRest();
        andAgain.sendRest();
        assertAnswered(again);
        assertAnswered(andAgain);
    }

}
