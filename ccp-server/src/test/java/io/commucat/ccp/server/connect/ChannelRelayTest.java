package io.commucat.ccp.server.connect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.commucat.ccp.client.handshake.UserHints;
import io.commucat.ccp.crypto.noise.NoisePattern;
import io.commucat.ccp.proto.ControlJson;
import io.commucat.ccp.proto.Frame;
import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.relay.Delivery;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Channels and relay of ccp-1.md §4.2–4.4 on the transport-neutral session, without a socket:
 * Join/Leave with their Acks, relay to the other active members, the inbox with its
 * at-least-once delivery, and presence fan-out.
 */
class ChannelRelayTest extends DefaultConnectFixture {

    static final long CHANNEL = 42;

    /** A frame to send, given the sequence the device numbers it with. */
    @FunctionalInterface
    interface FrameOf {
        Frame build(long sequence);
    }

    /** A connected device: its stream, its own sequence counter, and the frames it has received. */
    final class Member {
        final TestDevice device;
        ConnectFixture.Stream stream;
        long sequence = 3; // Hello 1, Auth 2
        final Deque<Frame> received = new ArrayDeque<>();

        Member(String deviceId, String handle) throws Exception {
            device = new TestDevice(f, deviceId).start(NoisePattern.XK, UserHints.handle(handle));
            connect();
        }

        String id() {
            return device.identity.deviceId();
        }

        void connect() throws Exception {
            connect(Long.MAX_VALUE / 4);
        }

        /** Connects with a reader whose window holds {@code window} unread bytes. */
        void connect(long window) throws Exception {
            if (device.established != null) {
                device.start(NoisePattern.XK, UserHints.NONE);
            }
            stream = f.open();
            stream.down.window(window);
            device.bootstrap(stream);
            sequence = 3;
            received.clear();
        }

        void disconnect() throws Exception {
            stream.transportClosed();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (f.registry.find(id()) != null) {
                assertTrue(System.nanoTime() < deadline, "session never unregistered");
                Thread.sleep(5);
            }
        }

        long send(FrameOf builder) throws Exception {
            long seq = sequence++;
            stream.send(device.seal(builder.build(seq)));
            return seq;
        }

        long join(long channel, String... members) throws Exception {
            ObjectNode body = ControlJson.object();
            var list = body.putArray("members");
            for (String m : members) {
                list.add(m);
            }
            return send(seq -> Frame.control(FrameType.JOIN, channel, seq, body));
        }

        long msg(long channel, String text) throws Exception {
            return send(seq -> Frame.opaque(FrameType.MSG, channel, seq, text.getBytes(StandardCharsets.UTF_8)));
        }

        void ack(Frame delivered) throws Exception {
            send(seq -> Frame.control(FrameType.ACK, delivered.channelId(), seq,
                    ControlJson.object().put("ack", delivered.sequence())));
        }

        /** Waits for the next received frame that matches. */
        Frame await(Predicate<Frame> wanted) throws Exception {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                for (var it = received.iterator(); it.hasNext();) {
                    Frame frame = it.next();
                    if (wanted.test(frame)) {
                        it.remove();
                        return frame;
                    }
                }
                received.addAll(device.readEncrypted(stream));
                if (received.stream().noneMatch(wanted)) {
                    assertTrue(System.nanoTime() < deadline, "never received the frame; got " + received);
                    Thread.sleep(5);
                }
            }
        }

        /** The server's answer (Ack or Error) to the frame sent with {@code seq}. */
        Frame answer(long seq) throws Exception {
            return await(frame -> (frame.type() == FrameType.ACK || frame.type() == FrameType.ERROR)
                    && frame.control().json().path("ack").asLong(-1) == seq);
        }

        Frame acked(long seq) throws Exception {
            Frame answer = answer(seq);
            assertEquals(FrameType.ACK, answer.type(), answer.toString());
            return answer;
        }

        String refusal(long seq) throws Exception {
            Frame answer = answer(seq);
            assertEquals(FrameType.ERROR, answer.type(), answer.toString());
            return answer.control().text("error");
        }

        Frame message() throws Exception {
            return await(frame -> frame.type() == FrameType.MSG);
        }

        /** Sends nothing a server would relay, then waits for its answer: everything before it was handled. */
        Frame sync() throws Exception {
            return acked(join(9_999_000 + sequence));
        }

        List<Frame> drained() throws Exception {
            received.addAll(device.readEncrypted(stream));
            List<Frame> all = new ArrayList<>(received);
            received.clear();
            return all;
        }
    }

    private static String text(Frame frame) {
        return new String(frame.opaque().toByteArray(), StandardCharsets.UTF_8);
    }

    /** Alice (user alice) and Bob (user bob) both joined {@link #CHANNEL}. */
    private Member[] aliceAndBobInAChannel() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        Member bob = new Member("bob-phone", "bob");
        alice.acked(alice.join(CHANNEL, bob.id()));
        bob.acked(bob.join(CHANNEL));
        return new Member[] {alice, bob};
    }

    private List<Envelope> queuedFor(String deviceId) throws Exception {
        return f.store.inbox().pending(deviceId, 0, Instant.now(), 1000, Long.MAX_VALUE).envelopes();
    }

    @Test
    void joinIsAckedWithItsSequenceOnItsChannel() throws Exception {
        Member alice = new Member("alice-phone", "alice");

        long seq = alice.join(CHANNEL);

        Frame ack = alice.acked(seq);
        assertEquals(CHANNEL, ack.channelId());
        assertEquals(1, ack.control().json().size(), ack.toString());
        assertEquals(seq, ack.control().json().get("ack").asLong());
    }

    @Test
    void msgReachesAConnectedMemberWithTheRecipientsOwnSequence() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        Frame bobsLast = m[1].sync();

        long seq = m[0].msg(CHANNEL, "hello bob");

        m[0].acked(seq);
        Frame delivered = m[1].message();
        assertEquals("hello bob", text(delivered));
        assertEquals(CHANNEL, delivered.channelId());
        assertEquals(bobsLast.sequence() + 1, delivered.sequence(), "numbered by bob's connection counter");
    }

    @Test
    void aFrameLargerThanTheQueueBudgetIsTakenWhenNothingWaits() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        int size = SessionRelay.MAX_QUEUED_BYTES + 1024;

        long seq = m[0].send(s -> Frame.opaque(FrameType.MSG, CHANNEL, s, new byte[size]));

        m[0].acked(seq);
        assertEquals(size, m[1].message().opaque().length());
    }

    // ---- storage back-pressure (IntakeGate): the session's side of it; the transport's is e2e ----

    /** Holds bob-phone's inbox_usage row lock in a transaction of the test's own: its inserts wait. */
    private java.sql.Connection lockBobsUsageRow() throws Exception {
        java.sql.Connection c = f.store.dataSource().getConnection();
        c.setAutoCommit(false);
        try (var s = c.prepareStatement("SELECT envelopes FROM inbox_usage WHERE recipient = ? FOR UPDATE")) {
            s.setString(1, "bob-phone");
            try (var r = s.executeQuery()) {
                assertTrue(r.next(), "bob's usage row exists");
            }
        }
        return c;
    }

    private boolean wantsUpstream(Member member) throws Exception {
        return f.loop.submit(member.stream.session::wantsUpstream).get();
    }

    @Test
    void aSessionStopsWantingUpstreamAtTheMarkAndAsksForItAgainOnceStorageCaughtUp() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[0].acked(m[0].msg(CHANNEL, "first: makes bob's usage row"));
        List<Long> sequences = new ArrayList<>();
        try (java.sql.Connection lock = lockBobsUsageRow()) {
            for (int i = 0; i < SessionRelay.HIGH_WATER_FRAMES - 1; i++) {
                sequences.add(m[0].msg(CHANNEL, "m" + i));
            }
            assertTrue(wantsUpstream(m[0]), "one below the mark");

            sequences.add(m[0].msg(CHANNEL, "at the mark"));

            assertFalse(wantsUpstream(m[0]));
            assertEquals(0, m[0].stream.down.resumes());
            lock.rollback();
        }
        for (long seq : sequences) {
            m[0].acked(seq);
        }
        assertTrue(wantsUpstream(m[0]));
        assertEquals(1, m[0].stream.down.resumes(), "one resume for one pause");
    }

    @Test
    void aFeederThatIgnoresTheMarkIsRefusedBusyOnlyPastTheHardCap() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[0].acked(m[0].msg(CHANNEL, "first: makes bob's usage row"));
        List<Long> taken = new ArrayList<>();
        long refused;
        try (java.sql.Connection lock = lockBobsUsageRow()) {
            // The first goes to storage at once, alone, and waits there; the queue behind it fills to the cap.
            for (int i = 0; i < 1 + SessionRelay.MAX_QUEUED_FRAMES; i++) {
                taken.add(m[0].msg(CHANNEL, "m" + i));
            }
            refused = m[0].msg(CHANNEL, "one too many");
            assertEquals("busy", m[0].refusal(refused));
            lock.rollback();
        }
        for (long seq : taken) {
            m[0].acked(seq);
        }
    }

    @Test
    void theSenderDoesNotReceiveItsOwnFrame() throws Exception {
        Member[] m = aliceAndBobInAChannel();

        m[0].acked(m[0].msg(CHANNEL, "hello"));
        m[1].message();

        m[0].sync();
        assertTrue(m[0].drained().stream().noneMatch(frame -> frame.type() == FrameType.MSG));
    }

    @Test
    void aDurableFrameIsQueuedBeforeItsAck() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();

        m[0].acked(m[0].msg(CHANNEL, "while you were away"));

        List<Envelope> queued = queuedFor("bob-phone");
        assertEquals(1, queued.size());
        assertEquals("alice-phone", queued.get(0).sender());
        assertEquals(FrameType.MSG, queued.get(0).type());
    }

    @Test
    void anOfflineMemberReceivesQueuedFramesWhenItConnects() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();
        m[0].acked(m[0].msg(CHANNEL, "one"));
        m[0].acked(m[0].msg(CHANNEL, "two"));

        m[1].connect();

        assertEquals("one", text(m[1].message()));
        assertEquals("two", text(m[1].message()));
    }

    /**
     * A known device's first inbox read rides in its bootstrap's storage task, before its session
     * registers: a frame committed and delivered right after that read, with no session yet to
     * take it, must still arrive (the registry notes it and the session reads again).
     */
    @Test
    void aFrameDeliveredBetweenTheBootstrapsInboxReadAndTheRegistrationArrives() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();
        f.storageThreads.afterCall("Inbox.pending", args -> "bob-phone".equals(args[0]), () -> {
            try {
                Envelope queued = f.store.inbox().enqueue(List.of(new Envelope(0, "bob-phone", CHANNEL, FrameType.MSG,
                        "meanwhile".getBytes(StandardCharsets.UTF_8), "alice-phone", Instant.now(),
                        Instant.now().plus(Duration.ofHours(1))))).get(0);
                f.registry.deliver(new Delivery("bob-phone", Frame.opaque(FrameType.MSG, CHANNEL, 0,
                        "meanwhile".getBytes(StandardCharsets.UTF_8)), queued.id()));
            } catch (StorageException e) {
                throw new IllegalStateException(e);
            }
        });

        m[1].connect();

        assertEquals("meanwhile", text(m[1].message()));
        assertEquals(0, f.registry.arrivals());
    }

    @Test
    void theDevicesAckDeletesTheEnvelope() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[0].acked(m[0].msg(CHANNEL, "hello"));
        Frame delivered = m[1].message();
        assertEquals(1, queuedFor("bob-phone").size(), "kept until acknowledged");

        m[1].ack(delivered);

        awaitQueued("bob-phone", 0);
    }

    @Test
    void anUnacknowledgedDeliveryIsDeliveredAgainAfterAReconnect() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[0].acked(m[0].msg(CHANNEL, "important"));
        m[1].message();
        m[1].disconnect();

        m[1].connect();

        assertEquals("important", text(m[1].message()));
    }

    @Test
    void moreQueuedFramesThanTheWindowArriveInOrderAsTheyAreAcknowledged() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();
        int total = SessionRelay.DELIVERY_WINDOW + 44;
        for (int i = 0; i < total; i++) {
            m[0].msg(CHANNEL, "m" + i);
        }
        m[0].acked(m[0].sequence - 1);
        awaitQueued("bob-phone", total);

        m[1].connect();
        for (int i = 0; i < total; i++) {
            Frame delivered = m[1].message();
            assertEquals("m" + i, text(delivered));
            m[1].ack(delivered);
        }
        awaitQueued("bob-phone", 0);
    }

    // ---- delivery paced by the reader (issue #15) ----

    /** A 4 KiB Msg's bytes on the wire: payload, frame header, Noise tag and record prefix. */
    private static final int FOUR_KIB_WIRE = 4096 + 64;

    private static String padded(int i, int size) {
        String head = "m" + i + ":";
        return head + "x".repeat(size - head.length());
    }

    private void queueWhileOffline(Member alice, Member bob, int count, int size) throws Exception {
        bob.disconnect();
        for (int i = 0; i < count; i++) {
            alice.msg(CHANNEL, padded(i, size));
        }
        alice.acked(alice.sequence - 1);
        awaitQueued(bob.id(), count);
    }

    @Test
    void aBacklogLargerThanTheReadersWindowArrivesWholeAtTheReadersPace() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        queueWhileOffline(m[0], m[1], 40, 4096);
        long window = 16 * 1024;

        m[1].connect(window);

        for (int i = 0; i < 40; i++) {
            long unread = m[1].stream.down.unread();
            assertTrue(unread <= window + FOUR_KIB_WIRE, "the session wrote " + unread + " bytes ahead of its reader");
            assertEquals(padded(i, 4096), text(m[1].message()));
        }
    }

    @Test
    void aFrameLargerThanTheWindowGoesOutAloneWhenNothingIsUnread() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        queueWhileOffline(m[0], m[1], 3, 8192);

        m[1].connect(1024);

        awaitUnread(m[1], 8192);
        Thread.sleep(50); // Nothing more may follow while the reader has not taken it.
        long unread = m[1].stream.down.unread();
        assertTrue(unread >= 8192 && unread < 2 * 8192, "one frame unread, got " + unread + " bytes");
        for (int i = 0; i < 3; i++) {
            assertEquals(padded(i, 8192), text(m[1].message()));
        }
    }

    @Test
    void aLiveMsgForAReaderWithoutRoomWaitsInTheInboxAndFollowsInOrder() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();
        m[1].connect(1024);
        m[0].acked(m[0].msg(CHANNEL, padded(0, 8192)));
        awaitUnread(m[1], 8192);

        m[0].acked(m[0].msg(CHANNEL, padded(1, 100)));

        assertEquals(2, queuedFor(m[1].id()).size(), "both kept until acknowledged");
        assertTrue(m[1].stream.down.unread() < 8192 + 1024, "the second waits for the reader");
        assertEquals(padded(0, 8192), text(m[1].message()));
        assertEquals(padded(1, 100), text(m[1].message()));
    }

    @Test
    void liveFramesAreDroppedOnlyForAReaderFarBeyondItsWindow() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();
        m[1].connect(1024);
        int large = (int) SessionRelay.LIVE_SLACK + 64 * 1024;
        m[0].acked(m[0].msg(CHANNEL, padded(0, large)));
        awaitUnread(m[1], large);

        m[0].acked(m[0].send(s -> Frame.control(FrameType.TYPING, CHANNEL, s, ControlJson.object().put("typing", true))));
        assertEquals(padded(0, large), text(m[1].message()));
        m[0].acked(m[0].send(s -> Frame.control(FrameType.TYPING, CHANNEL, s, ControlJson.object().put("typing", false))));

        Frame typing = m[1].await(frame -> frame.type() == FrameType.TYPING);
        assertFalse(typing.control().json().get("typing").asBoolean(), "the first was stale and dropped");
    }

    private static void awaitUnread(Member member, long bytes) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (member.stream.down.unread() < bytes) {
            assertTrue(System.nanoTime() < deadline, "never wrote " + bytes + " bytes");
            Thread.sleep(5);
        }
    }

    @Test
    void typingReachesConnectedMembersButIsNeverQueued() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].sync();

        long seq = m[0].send(s -> Frame.control(FrameType.TYPING, CHANNEL, s, ControlJson.object().put("typing", true)));

        m[0].acked(seq);
        Frame typing = m[1].await(frame -> frame.type() == FrameType.TYPING);
        assertTrue(typing.control().json().get("typing").asBoolean());
        assertEquals(List.of(), queuedFor("bob-phone"));
    }

    @Test
    void callFrameAcksEchoTheCallId() throws Exception {
        Member[] m = aliceAndBobInAChannel();

        long seq = m[0].send(s -> Frame.control(FrameType.CALL_OFFER, CHANNEL, s,
                ControlJson.object().put("call_id", "call-7").put("sdp", "v=0")));

        assertEquals("call-7", m[0].acked(seq).control().text("call_id"));
        assertEquals("call-7", m[1].await(frame -> frame.type() == FrameType.CALL_OFFER).control().text("call_id"));
    }

    @Test
    void aFrameToAnUnknownChannelIsRefusedAndTheSessionGoesOn() throws Exception {
        Member alice = new Member("alice-phone", "alice");

        assertEquals("unknown_channel", alice.refusal(alice.msg(7, "anyone?")));

        alice.sync();
    }

    @Test
    void aFrameFromANonMemberIsRefused() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        Member mallory = new Member("mallory-phone", "mallory");

        assertEquals("not_member", mallory.refusal(mallory.msg(CHANNEL, "spam")));

        m[1].sync();
        assertTrue(m[1].drained().stream().noneMatch(frame -> frame.type() == FrameType.MSG));
        assertEquals(List.of(), queuedFor("bob-phone"));
    }

    @Test
    void anUnlistedDeviceCannotJoinAnExistingChannel() throws Exception {
        aliceAndBobInAChannel();
        Member mallory = new Member("mallory-phone", "mallory");

        assertEquals("not_member", mallory.refusal(mallory.join(CHANNEL)));

        assertEquals(2, f.store.channels().find(CHANNEL).orElseThrow().members().size());
    }

    @Test
    void aDeviceListedByAnotherUserReceivesNothingUntilItJoins() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        Member bob = new Member("bob-phone", "bob");
        alice.acked(alice.join(CHANNEL, bob.id()));

        alice.acked(alice.msg(CHANNEL, "before"));
        bob.acked(bob.join(CHANNEL));
        alice.acked(alice.msg(CHANNEL, "after"));

        assertEquals("after", text(bob.message()));
        assertEquals(1, queuedFor("bob-phone").size());
    }

    @Test
    void leaveStopsDeliveryToTheLeaverOnly() throws Exception {
        Member[] m = aliceAndBobInAChannel();

        m[1].acked(m[1].send(s -> Frame.control(FrameType.LEAVE, CHANNEL, s, ControlJson.object())));
        m[0].acked(m[0].msg(CHANNEL, "still here?"));

        assertEquals(List.of(), queuedFor("bob-phone"));
        assertTrue(f.store.channels().find(CHANNEL).isPresent(), "the channel lives on for alice");
    }

    @Test
    void joinWithMalformedMembersIsABadRequest() throws Exception {
        Member alice = new Member("alice-phone", "alice");

        long seq = alice.send(s -> Frame.control(FrameType.JOIN, CHANNEL, s, ControlJson.object().put("members", "bob")));

        assertEquals("bad_request", alice.refusal(seq));
        assertTrue(f.store.channels().find(CHANNEL).isEmpty());
    }

    @Test
    void joinOfAnUnknownGroupIsRefused() throws Exception {
        Member alice = new Member("alice-phone", "alice");

        long seq = alice.send(s -> Frame.control(FrameType.JOIN, CHANNEL, s,
                ControlJson.object().put("group_id", "no-such-group")));

        assertEquals("unknown_group", alice.refusal(seq));
    }

    @Test
    void keyUpdateIsQueuedLikeAMsg() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();

        m[0].acked(m[0].send(s -> Frame.control(FrameType.KEY_UPDATE, CHANNEL, s, ControlJson.object().put("k", "v"))));

        assertEquals(List.of(FrameType.KEY_UPDATE), queuedFor("bob-phone").stream().map(Envelope::type).toList());
    }

    @Test
    void mediaFramesAreRelayedButNeverQueued() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].sync();

        m[0].acked(m[0].send(s -> Frame.opaque(FrameType.VOICE_FRAME, CHANNEL, s, new byte[] {1, 2, 3})));

        assertArrayEquals(new byte[] {1, 2, 3},
                m[1].await(frame -> frame.type() == FrameType.VOICE_FRAME).opaque().toByteArray());
        assertEquals(List.of(), queuedFor("bob-phone"));
    }

    private long groupCreate(Member sender, long channel, ObjectNode body) throws Exception {
        return sender.send(s -> Frame.control(FrameType.GROUP_CREATE, channel, s, body));
    }

    @Test
    void groupCreateIsAckedWithTheNewGroupIdAndListsItsMembersInTheChannel() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        new Member("bob-phone", "bob"); // registered: a group lists only devices that exist
        ObjectNode body = ControlJson.object();
        body.putArray("members").add("bob-phone");

        Frame ack = alice.acked(groupCreate(alice, CHANNEL, body));

        String groupId = ack.control().text("group_id");
        assertTrue(groupId != null && !groupId.isEmpty(), ack.toString());
        assertEquals(List.of("alice-phone owner", "bob-phone member"), f.store.groups().members(groupId).stream()
                .map(member -> member.deviceId() + " " + member.role().label()).toList());
        assertEquals(groupId, f.store.channels().find(CHANNEL).orElseThrow().groupId());
    }

    @Test
    void groupCreateWithATakenIdIsRefused() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        alice.acked(groupCreate(alice, CHANNEL, ControlJson.object().put("group_id", "team")));
        Member mallory = new Member("mallory-phone", "mallory");

        assertEquals("group_exists", mallory.refusal(groupCreate(mallory, 77, ControlJson.object().put("group_id", "team"))));

        assertEquals(1, f.store.groups().members("team").size());
    }

    @Test
    void joinWithAGroupIdListsTheGroupsMembersAndAcksTheGroup() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        Member bob = new Member("bob-phone", "bob");
        new Member("carol-phone", "carol");
        ObjectNode body = ControlJson.object().put("group_id", "team");
        body.putArray("members").add("bob-phone").add("carol-phone");
        alice.acked(groupCreate(alice, CHANNEL, body));

        long seq = bob.send(s -> Frame.control(FrameType.JOIN, 43, s, ControlJson.object().put("group_id", "team")));

        assertEquals("team", bob.acked(seq).control().text("group_id"));
        assertEquals(List.of("alice-phone", "bob-phone", "carol-phone"), f.store.channels().find(43).orElseThrow()
                .members().stream().map(member -> member.deviceId()).toList());
    }

    @Test
    void joinWithAGroupTheSenderIsNotInIsRefused() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        alice.acked(groupCreate(alice, CHANNEL, ControlJson.object().put("group_id", "team")));
        Member mallory = new Member("mallory-phone", "mallory");

        long seq = mallory.send(s -> Frame.control(FrameType.JOIN, 43, s, ControlJson.object().put("group_id", "team")));

        assertEquals("not_member", mallory.refusal(seq));
        assertTrue(f.store.channels().find(43).isEmpty());
    }

    @Test
    void groupInviteByTheOwnerAddsTheDeviceToGroupAndChannel() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        alice.acked(groupCreate(alice, CHANNEL, ControlJson.object().put("group_id", "team")));
        new Member("dave-phone", "dave");

        Frame ack = alice.acked(alice.send(s -> Frame.control(FrameType.GROUP_INVITE, CHANNEL, s,
                ControlJson.object().put("group_id", "team").put("device", "dave-phone").put("role", "owner"))));

        assertEquals("team", ack.control().text("group_id"));
        assertEquals("dave-phone", ack.control().text("device"));
        assertEquals(List.of("alice-phone owner", "dave-phone admin"), f.store.groups().members("team").stream()
                .map(member -> member.deviceId() + " " + member.role().label()).toList(), "owner is never granted");
        assertTrue(f.store.channels().find(CHANNEL).orElseThrow().members().stream()
                .anyMatch(member -> member.deviceId().equals("dave-phone")));
    }

    @Test
    void groupInviteByAPlainMemberIsForbidden() throws Exception {
        Member alice = new Member("alice-phone", "alice");
        Member bob = new Member("bob-phone", "bob");
        ObjectNode body = ControlJson.object().put("group_id", "team");
        body.putArray("members").add("bob-phone");
        alice.acked(groupCreate(alice, CHANNEL, body));
        bob.acked(bob.join(CHANNEL));

        long seq = bob.send(s -> Frame.control(FrameType.GROUP_INVITE, CHANNEL, s,
                ControlJson.object().put("group_id", "team").put("device", "eve-phone")));

        assertEquals("forbidden", bob.refusal(seq));
        assertEquals(2, f.store.groups().members("team").size());
    }

    @Test
    void groupEventsAreQueuedForOfflineMembers() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[1].disconnect();

        m[0].acked(m[0].send(s -> Frame.control(FrameType.GROUP_EVENT, CHANNEL, s,
                ControlJson.object().put("event", "renamed"))));

        assertEquals(List.of(FrameType.GROUP_EVENT), queuedFor("bob-phone").stream().map(Envelope::type).toList());
    }

    @Test
    void presenceReachesChannelPeersButNotOthers() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        Member carol = new Member("carol-phone", "carol");

        m[0].send(s -> Frame.control(FrameType.PRESENCE, 0, s, ControlJson.object().put("state", "away")));

        Frame presence = m[1].await(frame -> frame.type() == FrameType.PRESENCE);
        assertEquals("alice-phone", presence.control().text("device"));
        assertEquals("away", presence.control().text("state"));
        carol.sync();
        assertTrue(carol.drained().stream().noneMatch(frame -> frame.type() == FrameType.PRESENCE));
    }

    @Test
    void channelStorageNeverRunsOnTheLoop() throws Exception {
        Member[] m = aliceAndBobInAChannel();
        m[0].acked(m[0].msg(CHANNEL, "hello"));
        m[1].ack(m[1].message());
        awaitQueued("bob-phone", 0);

        assertFalse(f.storageThreads.threads().contains(ConnectFixture.LOOP_THREAD),
                f.storageThreads.threads().toString());
    }

    private void awaitQueued(String deviceId, int count) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (queuedFor(deviceId).size() != count) {
            assertTrue(System.nanoTime() < deadline, "queued " + queuedFor(deviceId).size() + ", expected " + count);
            Thread.sleep(5);
        }
    }
}
