package io.commucat.ccp.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.Inbox.Admission;
import io.commucat.ccp.server.storage.InboxQuota;
import io.commucat.ccp.server.storage.InboxUsage;
import io.commucat.ccp.server.storage.InboxPage;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Group commit of inbox envelopes: many requests, one transaction, each told only of its own rows. */
class InboxWriterTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    /**
     * An inbox that records each transaction (rows inserted, or minus the rows deleted), can hold
     * the first one, and fails on demand.
     */
    /** One transaction: the envelopes it inserted and the acknowledgements it deleted. */
    record Tx(int inserted, int acknowledged) {
        static Tx inserting(int rows) {
            return new Tx(rows, 0);
        }

        static Tx acknowledging(int rows) {
            return new Tx(0, rows);
        }
    }

    static final class RecordingInbox implements Inbox {
        final List<Tx> transactions = new CopyOnWriteArrayList<>();
        final AtomicLong ids = new AtomicLong();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        volatile boolean holdFirst;
        /** When set, only a transaction with an envelope for this recipient is held (until released). */
        volatile String holdRecipient;
        volatile boolean fail;

        @Override
        public Written write(List<List<Envelope>> frames, InboxQuota quota, Collection<Acknowledgement> acks)
                throws StorageException {
            List<Envelope> envelopes = new ArrayList<>();
            frames.forEach(envelopes::addAll);
            boolean forHeldRecipient = holdRecipient != null
                    && envelopes.stream().anyMatch(e -> e.recipient().equals(holdRecipient));
            if (holdFirst && transactions.isEmpty() && (holdRecipient == null || forHeldRecipient)) {
                entered.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            transactions.add(new Tx(envelopes.size(), acks.size()));
            if (fail) {
                throw new StorageException(StorageException.Kind.UNAVAILABLE, "database down");
            }
            List<Admission> admissions = new ArrayList<>();
            for (List<Envelope> frame : frames) {
                List<Envelope> queued = new ArrayList<>();
                frame.forEach(e -> queued.add(e.withId(ids.incrementAndGet())));
                admissions.add(Admission.queued(queued));
            }
            return new Written(admissions, acks.size());
        }

        @Override
        public InboxUsage usage(String recipient) {
            return InboxUsage.EMPTY;
        }

        @Override
        public InboxPage pending(String recipient, long afterId, Instant now, int limit, long maxBytes) {
            return new InboxPage(List.of(), false);
        }

        @Override
        public int acknowledge(String recipient, Collection<Long> ids) {
            return 0;
        }

        @Override
        public int purgeExpired(Instant now) {
            return 0;
        }
    }

    static List<Envelope> envelopes(String recipient, int count) {
        List<Envelope> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new Envelope(0, recipient, 1, FrameType.MSG, new byte[] {(byte) i}, "sender", T0,
                    T0.plusSeconds(60)));
        }
        return list;
    }

    @Test
    void aRequestCompletesWithItsEnvelopesAndTheirIds() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        try (InboxWriter writer = new InboxWriter(inbox, 1, 100, 1L << 20)) {
            List<Envelope> queued = writer.enqueue(envelopes("bob", 3)).get(5, TimeUnit.SECONDS);

            assertEquals(List.of(1L, 2L, 3L), queued.stream().map(Envelope::id).toList());
            assertEquals("bob", queued.get(0).recipient());
        }
    }

    @Test
    void requestsThatArriveDuringACommitShareTheNextTransaction() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.holdFirst = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 1_000, 1L << 20)) {
            CompletableFuture<List<Envelope>> first = writer.enqueue(envelopes("a", 1));
            assertTrue(inbox.entered.await(5, TimeUnit.SECONDS), "the first transaction started");
            List<CompletableFuture<List<Envelope>>> later = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                later.add(writer.enqueue(envelopes("r" + i, 2)));
            }
            inbox.release.countDown();

            first.get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 10; i++) {
                List<Envelope> mine = later.get(i).get(5, TimeUnit.SECONDS);
                assertEquals(List.of("r" + i, "r" + i), mine.stream().map(Envelope::recipient).toList());
            }
            assertEquals(List.of(Tx.inserting(1), Tx.inserting(20)), inbox.transactions,
                    "one transaction for the ten that waited");
        }
    }

    @Test
    void aFailedTransactionFailsEveryRequestInIt() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.fail = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 100, 1L << 20)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> writer.enqueue(envelopes("bob", 1)).get(5, TimeUnit.SECONDS));

            assertTrue(e.getCause() instanceof StorageException, e.toString());
            assertEquals(0, writer.pendingRows());
        }
    }

    @Test
    void aSaturatedWriterRefusesAtOnce() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.holdFirst = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 4, 1L << 20)) {
            CompletableFuture<List<Envelope>> held = writer.enqueue(envelopes("a", 3));

            CompletableFuture<List<Envelope>> refused = writer.enqueue(envelopes("b", 2));

            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
            assertEquals(StorageException.Kind.UNAVAILABLE, ((StorageException) e.getCause()).kind());
            inbox.release.countDown();
            assertEquals(3, held.get(5, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void payloadBytesBeyondTheBudgetAreRefusedAtOnce() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.holdFirst = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 100, 3)) {
            CompletableFuture<List<Envelope>> held = writer.enqueue(envelopes("a", 3)); // 3 one-byte payloads

            CompletableFuture<List<Envelope>> refused = writer.enqueue(envelopes("b", 1));

            ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
            assertEquals(StorageException.Kind.UNAVAILABLE, ((StorageException) e.getCause()).kind());
            inbox.release.countDown();
            assertEquals(3, held.get(5, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void oneRecipientsRequestsGoToOneWriterWhileOtherRecipientsCommitBesideIt() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.holdFirst = true;
        inbox.holdRecipient = "a"; // "a" and "b" hash to different writers of two
        try (InboxWriter writer = new InboxWriter(inbox, 2, 100, 1L << 20)) {
            CompletableFuture<List<Envelope>> first = writer.enqueue(envelopes("a", 1));
            assertTrue(inbox.entered.await(5, TimeUnit.SECONDS), "a's first transaction started");
            CompletableFuture<List<Envelope>> sameRecipient = writer.enqueue(envelopes("a", 1));

            assertEquals(1, writer.enqueue(envelopes("b", 1)).get(5, TimeUnit.SECONDS).size(),
                    "another recipient's writer is not held up");
            assertFalse(sameRecipient.isDone(), "a's next request waits for a's writer, never runs beside it");

            inbox.release.countDown();
            assertEquals(1, first.get(5, TimeUnit.SECONDS).size());
            assertEquals(1, sameRecipient.get(5, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void closingCommitsWhatIsQueuedAndRefusesWhatComesAfter() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        InboxWriter writer = new InboxWriter(inbox, 2, 100, 1L << 20);
        CompletableFuture<List<Envelope>> before = writer.enqueue(envelopes("a", 1));

        writer.close();

        assertEquals(1, before.get(5, TimeUnit.SECONDS).size());
        assertThrows(ExecutionException.class, () -> writer.enqueue(envelopes("b", 1)).get(1, TimeUnit.SECONDS));
    }

    @Test
    void acknowledgementsThatArriveDuringACommitShareTheNextTransactionWithEnvelopes() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.holdFirst = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 1_000, 1L << 20)) {
            CompletableFuture<List<Envelope>> first = writer.enqueue(envelopes("a", 1));
            assertTrue(inbox.entered.await(5, TimeUnit.SECONDS), "the first transaction started");
            CompletableFuture<Integer> bob = writer.acknowledge("bob", List.of(1L, 2L));
            CompletableFuture<Integer> carol = writer.acknowledge("carol", List.of(3L));
            CompletableFuture<List<Envelope>> second = writer.enqueue(envelopes("dave", 2));
            inbox.release.countDown();

            first.get(5, TimeUnit.SECONDS);
            assertEquals(2, second.get(5, TimeUnit.SECONDS).size());
            assertEquals(3, bob.get(5, TimeUnit.SECONDS));
            assertEquals(3, carol.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(Tx.inserting(1), new Tx(2, 3)), inbox.transactions);
        }
    }

    @Test
    void acknowledgementsAloneWaitForEnvelopesToCommitWith() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        try (InboxWriter writer = new InboxWriter(inbox, 1, 1_000, 1L << 20)) {
            CompletableFuture<Integer> acknowledged = writer.acknowledge("bob", List.of(1L));
            CompletableFuture<List<Envelope>> queued = writer.enqueue(envelopes("carol", 1));

            assertEquals(1, queued.get(5, TimeUnit.SECONDS).size());
            assertEquals(1, acknowledged.get(5, TimeUnit.SECONDS));
            assertEquals(List.of(new Tx(1, 1)), inbox.transactions);
        }
    }

    @Test
    void acknowledgementsAloneCommitWhenNoEnvelopesCome() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        try (InboxWriter writer = new InboxWriter(inbox, 1, 1_000, 1L << 20)) {
            assertEquals(2, writer.acknowledge("bob", List.of(1L, 2L)).get(5, TimeUnit.SECONDS));
            assertEquals(List.of(Tx.acknowledging(2)), inbox.transactions);
            assertEquals(0, writer.pendingRows());
        }
    }

    @Test
    void closingCommitsWaitingAcknowledgements() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        InboxWriter writer = new InboxWriter(inbox, 1, 1_000, 1L << 20);
        CompletableFuture<Integer> acknowledged = writer.acknowledge("bob", List.of(1L));

        writer.close();

        assertEquals(1, acknowledged.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aFailedTransactionFailsTheAcknowledgementsInItToo() throws Exception {
        RecordingInbox inbox = new RecordingInbox();
        inbox.fail = true;
        try (InboxWriter writer = new InboxWriter(inbox, 1, 100, 1L << 20)) {
            CompletableFuture<Integer> acknowledged = writer.acknowledge("bob", List.of(1L));
            CompletableFuture<List<Envelope>> queued = writer.enqueue(envelopes("carol", 1));

            assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> acknowledged.get(5, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof StorageException, e.toString());
            assertEquals(0, writer.pendingRows());
        }
    }

    @Test
    void nothingToQueueCompletesAtOnce() throws Exception {
        try (InboxWriter writer = new InboxWriter(new RecordingInbox(), 1, 1, 1L << 20)) {
            assertEquals(List.of(), writer.enqueue(List.of()).get(1, TimeUnit.SECONDS));
        }
    }

}
