package io.commucat.ccp.ledger;

import static io.commucat.ccp.ledger.Ledgers.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueuedLedgerTest {

    @TempDir
    Path dir;

    /** A real file ledger whose commits take {@code delayMillis}: a slow disk. */
    private static final class SlowSink implements LedgerSink {
        private final LedgerSink inner;
        private final long delayMillis;

        SlowSink(LedgerSink inner, long delayMillis) {
            this.inner = inner;
            this.delayMillis = delayMillis;
        }

        @Override
        public Receipt append(LedgerEvent event) throws IOException {
            return inner.append(event);
        }

        @Override
        public void commit() throws IOException {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.commit();
        }

        @Override
        public ChainHead head() {
            return inner.head();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    /** A disk that fails on the first commit. */
    private static final class BrokenSink implements LedgerSink {
        private final NullLedger inner = new NullLedger();

        @Override
        public Receipt append(LedgerEvent event) {
            return inner.append(event);
        }

        @Override
        public void commit() throws IOException {
            throw new IOException("No space left on device");
        }

        @Override
        public ChainHead head() {
            return inner.head();
        }

        @Override
        public void close() {
        }
    }

    private List<Path> files() throws IOException {
        return LedgerFiles.list(dir, "audit");
    }

    @Test
    void eightThreadsOfTenThousandRecordsMakeOneValidChainWithEverySeqOnce() throws Exception {
        int threads = 8;
        int each = 10_000;
        Ledger ledger = Ledger.start(FileLedger.open(Ledgers.config(dir)), QueueOptions.defaults().withCapacity(1024));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<CompletableFuture<Receipt>>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                go.await();
                List<CompletableFuture<Receipt>> receipts = new ArrayList<>(each);
                for (int i = 0; i < each; i++) {
                    receipts.add(ledger.append(LedgerEvent.action("test", "write", Map.of("thread", thread, "i", i))));
                }
                return receipts;
            }));
        }
        go.countDown();
        List<Long> seqs = new ArrayList<>();
        for (Future<List<CompletableFuture<Receipt>>> result : results) {
            for (CompletableFuture<Receipt> receipt : result.get(60, TimeUnit.SECONDS)) {
                seqs.add(receipt.join().seq());
            }
        }
        pool.shutdown();
        ledger.close();
        assertEquals(threads * each, seqs.stream().collect(Collectors.toSet()).size(), "no seq handed out twice");
        assertEquals(threads * each, ok(files()).records(), "no record lost");
        assertEquals(threads * each, ledger.stats().written());
    }

    @Test
    void eventLoopThreadIsNeverHeldBackAndNothingIsDropped() throws Exception {
        LedgerSink slow = new SlowSink(FileLedger.open(Ledgers.config(dir)), 20);
        Ledger ledger = Ledger.start(slow, QueueOptions.defaults().withCapacity(2).withMaxBatch(2)
                .withNonBlocking(t -> t.getName().startsWith("event-loop")));
        List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
        long[] elapsed = new long[1];
        Thread loop = new Thread(() -> {
            long start = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                receipts.add(ledger.append(Ledgers.event(i)));
            }
            elapsed[0] = System.nanoTime() - start;
        }, "event-loop-1");
        loop.start();
        loop.join();
        // 100 events through 2 slots at 20 ms per batch of 2 would take a second if it waited.
        assertTrue(TimeUnit.NANOSECONDS.toMillis(elapsed[0]) < 500, elapsed[0] + " ns");
        assertTrue(ledger.stats().overflowed() > 0, ledger.stats().toString());
        CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        ledger.close();
        assertEquals(100, ok(files()).records());
    }

    @Test
    void otherThreadsWaitForRoomWhenTheQueueIsFull() throws Exception {
        LedgerSink slow = new SlowSink(FileLedger.open(Ledgers.config(dir)), 20);
        Ledger ledger = Ledger.start(slow, QueueOptions.defaults().withCapacity(2).withMaxBatch(2));
        long start = System.nanoTime();
        List<CompletableFuture<Receipt>> receipts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            receipts.add(ledger.append(Ledgers.event(i)));
        }
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 100, "appending 20 through 2 slots at 20 ms a batch took only " + waited + " ms");
        assertEquals(0, ledger.stats().overflowed());
        receipts.forEach(CompletableFuture::join);
        ledger.close();
        assertEquals(20, ok(files()).records());
    }

    @Test
    void receiptArrivesOnlyAfterTheRecordIsInTheFile() throws Exception {
        FileLedger file = FileLedger.open(Ledgers.config(dir).withFsync(FsyncPolicy.EVERY_RECORD));
        Ledger ledger = Ledger.start(file, QueueOptions.defaults());
        for (int i = 1; i <= 20; i++) {
            Receipt receipt = ledger.append(Ledgers.event(i)).join();
            // Read back through a separate file handle while the ledger is still open.
            List<byte[]> lines = Ledgers.lines(file.currentFile());
            assertEquals(i, lines.size());
            assertTrue(new String(lines.get(i - 1), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("\"hash\":\"" + receipt.hash() + "\""));
        }
        ledger.close();
    }

    @Test
    void fileLedgerHasWrittenTheRecordWhenAppendReturnsUnderEveryRecord() throws Exception {
        try (FileLedger ledger = FileLedger.open(Ledgers.config(dir).withFsync(FsyncPolicy.EVERY_RECORD))) {
            ledger.append(Ledgers.event(1));
            assertEquals(1, Ledgers.lines(ledger.currentFile()).size());
            assertTrue(Files.readAllBytes(ledger.currentFile())[(int) Files.size(ledger.currentFile()) - 1] == '\n');
        }
    }

    @Test
    void appendAfterCloseFailsWithClosed() throws Exception {
        Ledger ledger = Ledger.start(new NullLedger(), QueueOptions.defaults());
        ledger.close();
        CompletionException e = assertThrows(CompletionException.class, () -> ledger.append(Ledgers.event(1)).join());
        assertEquals(LedgerException.Kind.CLOSED, assertInstanceOf(LedgerException.class, e.getCause()).kind());
    }

    @Test
    void writeFailureIsReportedToEveryCallerNotSwallowed() throws Exception {
        Ledger ledger = Ledger.start(new BrokenSink(), QueueOptions.defaults());
        CompletionException first = assertThrows(CompletionException.class, () -> ledger.append(Ledgers.event(1)).join());
        CompletionException later = assertThrows(CompletionException.class, () -> ledger.append(Ledgers.event(2)).join());
        assertEquals(LedgerException.Kind.WRITE_FAILED, ((LedgerException) first.getCause()).kind());
        assertEquals(LedgerException.Kind.WRITE_FAILED, ((LedgerException) later.getCause()).kind());
        assertEquals(2, ledger.stats().failed());
        assertThrows(LedgerException.class, ledger::close);
    }

    @Test
    void closeWritesEverythingAcceptedBeforeIt() throws Exception {
        Ledger ledger = Ledger.start(new SlowSink(FileLedger.open(Ledgers.config(dir)), 5), QueueOptions.defaults());
        for (int i = 0; i < 50; i++) {
            ledger.append(Ledgers.event(i));
        }
        ledger.close();
        assertEquals(50, ok(files()).records());
    }
}
