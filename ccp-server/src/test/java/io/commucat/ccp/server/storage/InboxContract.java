package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.FrameType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Inbox} must do. Implementations provide an inbox over an empty store. */
public interface InboxContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");
    Duration TTL = Duration.ofHours(1);

    Inbox inbox();

    static String device() {
        return "device-" + UUID.randomUUID();
    }

    static Envelope envelope(String recipient, String text) {
        return new Envelope(0, recipient, 7, FrameType.MSG, text.getBytes(StandardCharsets.UTF_8), "sender-1", T0,
                T0.plus(TTL));
    }

    @Test
    default void enqueuedEnvelopesArePendingInOrderWithTheirIds() throws Exception {
        String bob = device();
        List<Envelope> queued = inbox().enqueue(List.of(envelope(bob, "one"), envelope(bob, "two")));

        assertEquals(2, queued.size());
        assertTrue(queued.get(0).id() > 0 && queued.get(1).id() > queued.get(0).id(), queued.toString());
        assertEquals(queued, inbox().pending(bob, 0, T0, 100, Long.MAX_VALUE).envelopes());
    }

    @Test
    default void everyFieldRoundTrips() throws Exception {
        String bob = device();
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Envelope sent = new Envelope(0, bob, -3L, FrameType.KEY_UPDATE, binary, "alice", T0, T0.plusSeconds(5));

        inbox().enqueue(List.of(sent));

        Envelope read = inbox().pending(bob, 0, T0, 1, Long.MAX_VALUE).envelopes().get(0);

        assertEquals(sent.withId(read.id()), read);
        assertArrayEquals(binary, read.payload());
    }

    @Test
    default void pendingIsPerRecipient() throws Exception {
        String bob = device();
        String carol = device();
        inbox().enqueue(List.of(envelope(bob, "for bob"), envelope(carol, "for carol")));

        assertEquals(List.of("for bob"), texts(inbox().pending(bob, 0, T0, 100, Long.MAX_VALUE).envelopes()));
    }

    @Test
    default void pendingPagesAfterAnId() throws Exception {
        String bob = device();
        List<Envelope> queued = inbox().enqueue(List.of(envelope(bob, "1"), envelope(bob, "2"), envelope(bob, "3")));

        assertEquals(List.of("1", "2"), texts(inbox().pending(bob, 0, T0, 2, Long.MAX_VALUE).envelopes()));
        assertEquals(List.of("3"), texts(inbox().pending(bob, queued.get(1).id(), T0, 2, Long.MAX_VALUE).envelopes()));
    }

    @Test
    default void aPageSaysWhetherTheCountLimitLeftMore() throws Exception {
        String bob = device();
        inbox().enqueue(List.of(envelope(bob, "1"), envelope(bob, "2"), envelope(bob, "3")));

        assertTrue(inbox().pending(bob, 0, T0, 2, Long.MAX_VALUE).more());
        assertFalse(inbox().pending(bob, 0, T0, 3, Long.MAX_VALUE).more());
        assertFalse(inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).more());
    }

    @Test
    default void pendingStopsAtTheByteBudgetAndSaysMoreIsQueued() throws Exception {
        String bob = device();
        // Payloads of 3 bytes each: a budget of 7 holds the first two (6 bytes) and not the third.
        inbox().enqueue(List.of(envelope(bob, "aaa"), envelope(bob, "bbb"), envelope(bob, "ccc")));

        InboxPage page = inbox().pending(bob, 0, T0, 10, 7);

        assertEquals(List.of("aaa", "bbb"), texts(page.envelopes()));
        assertTrue(page.more());
    }

    @Test
    default void theFirstEnvelopeComesWhateverItsSize() throws Exception {
        String bob = device();
        inbox().enqueue(List.of(envelope(bob, "x".repeat(5000)), envelope(bob, "small")));

        InboxPage page = inbox().pending(bob, 0, T0, 10, 1);

        assertEquals(1, page.envelopes().size());
        assertEquals(5000, page.envelopes().get(0).payloadLength());
        assertTrue(page.more());
    }

    @Test
    default void aBudgetThatHoldsEverythingLeavesNothingMore() throws Exception {
        String bob = device();
        inbox().enqueue(List.of(envelope(bob, "aaa"), envelope(bob, "bbb")));

        InboxPage page = inbox().pending(bob, 0, T0, 10, 6);

        assertEquals(List.of("aaa", "bbb"), texts(page.envelopes()));
        assertFalse(page.more());
    }

    @Test
    default void acknowledgedEnvelopesAreGone() throws Exception {
        String bob = device();
        List<Envelope> queued = inbox().enqueue(List.of(envelope(bob, "1"), envelope(bob, "2")));

        assertEquals(1, inbox().acknowledge(bob, List.of(queued.get(0).id())));

        assertEquals(List.of("2"), texts(inbox().pending(bob, 0, T0, 100, Long.MAX_VALUE).envelopes()));
    }

    @Test
    default void aDeviceCannotAcknowledgeAnotherDevicesEnvelope() throws Exception {
        String bob = device();
        List<Envelope> queued = inbox().enqueue(List.of(envelope(bob, "1")));

        assertEquals(0, inbox().acknowledge(device(), List.of(queued.get(0).id())));

        assertEquals(1, inbox().pending(bob, 0, T0, 100, Long.MAX_VALUE).envelopes().size());
    }

    @Test
    default void acknowledgementsOfSeveralDevicesAreDeletedTogether() throws Exception {
        String bob = device();
        String carol = device();
        List<Envelope> queued = inbox().enqueue(List.of(envelope(bob, "b1"), envelope(bob, "b2"), envelope(carol, "c1")));

        int deleted = inbox().acknowledgeAll(List.of(new Acknowledgement(bob, queued.get(0).id()),
                new Acknowledgement(carol, queued.get(2).id()), new Acknowledgement(carol, queued.get(1).id())));

        assertEquals(2, deleted, "carol cannot acknowledge bob's envelope");
        assertEquals(List.of("b2"), texts(inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).envelopes()));
        assertEquals(List.of(), inbox().pending(carol, 0, T0, 10, Long.MAX_VALUE).envelopes());
    }

    @Test
    default void acknowledgingManyAtOnceDeletesThemAll() throws Exception {
        String bob = device();
        List<Envelope> many = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            many.add(envelope(bob, "m" + i));
        }
        List<Long> ids = inbox().enqueue(many).stream().map(Envelope::id).toList();

        assertEquals(1_200, inbox().acknowledge(bob, ids));
        assertEquals(List.of(), inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).envelopes());
    }

    @Test
    default void expiredEnvelopesAreNeitherPendingNorKept() throws Exception {
        String bob = device();
        inbox().enqueue(List.of(envelope(bob, "old")));
        Instant expiry = T0.plus(TTL);

        assertEquals(1, inbox().pending(bob, 0, expiry.minusNanos(1_000), 10, Long.MAX_VALUE).envelopes().size());
        assertEquals(List.of(), inbox().pending(bob, 0, expiry, 10, Long.MAX_VALUE).envelopes());
        assertEquals(1, inbox().purgeExpired(expiry));
        assertEquals(List.of(), inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).envelopes());
    }

    @Test
    default void enqueueOfNothingIsNothing() throws Exception {
        assertEquals(List.of(), inbox().enqueue(List.of()));
    }

    // ---- usage and quota ----

    /** One frame's envelopes, one per recipient, each carrying {@code bytes} payload bytes. */
    static List<Envelope> frame(int bytes, String... recipients) {
        List<Envelope> envelopes = new ArrayList<>();
        for (String recipient : recipients) {
            envelopes.add(new Envelope(0, recipient, 7, FrameType.MSG, new byte[bytes], "sender-1", T0, T0.plus(TTL)));
        }
        return envelopes;
    }

    @Test
    default void usageCountsWhatIsQueuedForEachDevice() throws Exception {
        String bob = device();
        String carol = device();

        inbox().enqueue(List.of(frame(10, bob, carol), frame(5, bob)), InboxQuota.UNLIMITED);

        assertEquals(new InboxUsage(2, 15), inbox().usage(bob));
        assertEquals(new InboxUsage(1, 10), inbox().usage(carol));
        assertEquals(InboxUsage.EMPTY, inbox().usage(device()));
    }

    @Test
    default void aFrameThatWouldPassTheEnvelopeQuotaIsRefusedForEveryRecipient() throws Exception {
        String bob = device();
        String carol = device();
        InboxQuota quota = new InboxQuota(2, 1_000);
        inbox().enqueue(List.of(frame(1, bob), frame(1, bob)), quota);

        List<Inbox.Admission> admissions = inbox().enqueue(List.of(frame(1, carol, bob)), quota);

        assertEquals(List.of(Inbox.Admission.refused(bob, new InboxUsage(2, 2))), admissions);
        assertEquals(List.of(), inbox().pending(carol, 0, T0, 10, Long.MAX_VALUE).envelopes(), "nothing is queued for the recipient under quota");
        assertEquals(InboxUsage.EMPTY, inbox().usage(carol));
        assertEquals(new InboxUsage(2, 2), inbox().usage(bob));
    }

    @Test
    default void aFrameThatWouldPassTheByteQuotaIsRefusedAndASmallerOneStillFits() throws Exception {
        String bob = device();
        InboxQuota quota = new InboxQuota(100, 100);

        List<Inbox.Admission> admissions = inbox().enqueue(List.of(frame(60, bob), frame(60, bob), frame(40, bob)),
                quota);

        assertTrue(admissions.get(0).admitted());
        assertEquals(Inbox.Admission.refused(bob, new InboxUsage(1, 60)), admissions.get(1));
        assertTrue(admissions.get(2).admitted(), "the frames of one transaction count against each other");
        assertEquals(new InboxUsage(2, 100), inbox().usage(bob));
        assertEquals(2, inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).envelopes().size());
    }

    @Test
    default void acknowledgementsGiveTheQuotaBack() throws Exception {
        String bob = device();
        InboxQuota quota = new InboxQuota(1, 1_000);
        List<Envelope> queued = inbox().enqueue(List.of(frame(8, bob)), quota).get(0).queued();
        assertFalse(inbox().enqueue(List.of(frame(8, bob)), quota).get(0).admitted());

        inbox().acknowledgeAll(List.of(new Acknowledgement(bob, queued.get(0).id())));

        assertEquals(InboxUsage.EMPTY, inbox().usage(bob));
        assertTrue(inbox().enqueue(List.of(frame(8, bob)), quota).get(0).admitted());
    }

    @Test
    default void aWriteDeletesTheAcknowledgedAndQueuesTheFramesTogether() throws Exception {
        String bob = device();
        String carol = device();
        List<Envelope> queued = inbox().enqueue(List.of(frame(8, bob), frame(4, bob)), InboxQuota.UNLIMITED).get(0)
                .queued();

        Inbox.Written written = inbox().write(List.of(frame(5, carol, bob)), InboxQuota.UNLIMITED,
                List.of(new Acknowledgement(bob, queued.get(0).id())));

        assertEquals(1, written.deleted());
        assertTrue(written.admissions().get(0).admitted());
        assertEquals(new InboxUsage(2, 9), inbox().usage(bob), "one of 8 bytes went, one of 5 came");
        assertEquals(new InboxUsage(1, 5), inbox().usage(carol));
        assertEquals(2, inbox().pending(bob, 0, T0, 10, Long.MAX_VALUE).envelopes().size());
    }

    @Test
    default void whatAWritesAcknowledgementsFreeCountsForItsFrames() throws Exception {
        String bob = device();
        InboxQuota quota = new InboxQuota(1, 1_000);
        List<Envelope> queued = inbox().enqueue(List.of(frame(8, bob)), quota).get(0).queued();

        Inbox.Written written = inbox().write(List.of(frame(8, bob)), quota,
                List.of(new Acknowledgement(bob, queued.get(0).id())));

        assertTrue(written.admissions().get(0).admitted(), "the acknowledgement made room first");
        assertEquals(new InboxUsage(1, 8), inbox().usage(bob));
    }

    @Test
    default void anotherDevicesAcknowledgementGivesNothingBack() throws Exception {
        String bob = device();
        String carol = device();
        List<Envelope> queued = inbox().enqueue(frame(8, bob));

        inbox().acknowledgeAll(List.of(new Acknowledgement(carol, queued.get(0).id())));

        assertEquals(new InboxUsage(1, 8), inbox().usage(bob));
        assertEquals(InboxUsage.EMPTY, inbox().usage(carol));
    }

    @Test
    default void expiryGivesTheQuotaBack() throws Exception {
        String bob = device();
        inbox().enqueue(List.of(frame(8, bob), frame(8, bob)), InboxQuota.UNLIMITED);
        inbox().enqueue(List.of(new Envelope(0, bob, 7, FrameType.MSG, new byte[3], "sender-1", T0,
                T0.plus(TTL).plusSeconds(60))));

        assertEquals(2, inbox().purgeExpired(T0.plus(TTL)));

        assertEquals(new InboxUsage(1, 3), inbox().usage(bob));
    }

    @Test
    default void concurrentWritersNeverPassTheQuota() throws Exception {
        String bob = device();
        InboxQuota quota = new InboxQuota(50, Long.MAX_VALUE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<Inbox.Admission>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    List<List<Envelope>> frames = new ArrayList<>();
                    for (int f = 0; f < 10; f++) {
                        frames.add(frame(1, bob));
                    }
                    return inbox().enqueue(frames, quota);
                }));
            }
            int admitted = 0;
            for (var result : results) {
                admitted += (int) result.get().stream().filter(Inbox.Admission::admitted).count();
            }

            assertEquals(50, admitted);
            assertEquals(new InboxUsage(50, 50), inbox().usage(bob));
            assertEquals(50, inbox().pending(bob, 0, T0, 100, Long.MAX_VALUE).envelopes().size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void eachIdOfALargeMixedBatchNamesItsOwnEnvelope() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int d = 0; d < 37; d++) {
            devices.add(device());
        }
        List<Envelope> sent = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            // Recipients interleaved out of their sort order, payloads of many sizes.
            String recipient = devices.get((i * 17) % devices.size());
            sent.add(envelope(recipient, "envelope " + i + " " + "x".repeat(i % 300)));
        }

        List<Envelope> queued = inbox().enqueue(sent);

        assertEquals(sent.size(), queued.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(sent.get(i).withId(queued.get(i).id()), queued.get(i));
            assertTrue(i == 0 || queued.get(i).id() > queued.get(i - 1).id(), "ids ascend in queue order");
        }
        for (String recipient : devices) {
            List<Envelope> mine = queued.stream().filter(e -> e.recipient().equals(recipient)).toList();
            assertEquals(mine, inbox().pending(recipient, 0, T0, 10_000, Long.MAX_VALUE).envelopes());
        }
    }

    @Test
    default void concurrentFirstWritesToOverlappingNewDevicesAllCommit() throws Exception {
        List<String> devices = new ArrayList<>();
        for (int d = 0; d < 6; d++) {
            devices.add(device());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<List<Envelope>>> results = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                // Every writer names the same new devices, each starting elsewhere in the list.
                List<Envelope> frame = new ArrayList<>();
                for (int d = 0; d < devices.size(); d++) {
                    frame.add(envelope(devices.get((w + d) % devices.size()), "from writer " + w));
                }
                results.add(pool.submit(() -> inbox().enqueue(frame)));
            }
            for (var result : results) {
                assertEquals(devices.size(), result.get().size());
            }

            for (String device : devices) {
                assertEquals(new InboxUsage(6, 6L * "from writer 0".length()), inbox().usage(device));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> texts(List<Envelope> envelopes) {
        return envelopes.stream().map(e -> new String(e.payload(), StandardCharsets.UTF_8)).toList();
    }
}
