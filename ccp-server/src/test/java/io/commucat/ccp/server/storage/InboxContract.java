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

    private static List<String> texts(List<Envelope> envelopes) {
        return envelopes.stream().map(e -> new String(e.payload(), StandardCharsets.UTF_8)).toList();
    }
}
