package io.commucat.ccp.server.relay;

import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.Inbox.Admission;
import io.commucat.ccp.server.storage.InboxQuota;
import io.commucat.ccp.server.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the inbox: envelopes that sessions queue at about the same time, and the
 * acknowledgements devices send meanwhile, are written by one {@link Inbox#write} call, so many
 * sessions share one transaction and one commit (design target: 50 000 durable messages per
 * second per node). Acknowledgements with no envelopes to go with them wait up to
 * {@link #ACK_LINGER_NANOS} for some, so that a Msg rarely waits behind a commit that only
 * deletes. A request completes when its transaction committed, or fails with the transaction;
 * nobody waits on a thread meanwhile.
 *
 * <p>{@code writers} threads each own a queue, and a request goes to the queue its (first)
 * recipient hashes to: the inbox locks each recipient's usage row until commit, so two writers
 * that shared recipients would wait for each other's commits; split by recipient, they commit
 * side by side (and PostgreSQL can flush their commits together). While a writer commits, its
 * queue gathers what arrives. At
 * most {@code maxPendingRows} rows and {@code maxPendingBytes} payload bytes wait; beyond that a
 * request fails at once with {@link StorageException.Kind#UNAVAILABLE} rather than queue without
 * bound. Thread-safe.
 *
 * <p>Each request is a list of frames, each frame its envelopes for all its recipients; the
 * inbox admits a frame whole or refuses it whole when a recipient's {@link InboxQuota} is
 * reached, so one sender's full recipient never fails the other requests of the transaction.
 */
public final class InboxWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InboxWriter.class);
    /** Rows per transaction at most: large enough to amortise a commit, small enough to keep latency. */
    static final int MAX_ROWS_PER_COMMIT = 4_096;
    /**
     * How long acknowledgements alone wait for envelopes to commit with. An acknowledgement only
     * frees space, so a few milliseconds cost nothing, and at moderate rates nearly every one
     * rides along with the next insert rather than taking a commit (and the writer) of its own.
     */
    static final long ACK_LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** What waits for a writer: envelopes to insert, or acknowledgements to delete. */
    private sealed interface Request permits Insert, Delete {
        int rows();

        /** The recipient whose writer takes the request. */
        String recipient();
    }

    private record Insert(List<List<Envelope>> frames, int rows, long bytes, CompletableFuture<List<Admission>> done,
            AtomicBoolean released) implements Request {
        @Override
        public String recipient() {
            for (List<Envelope> frame : frames) {
                if (!frame.isEmpty()) {
                    return frame.get(0).recipient();
                }
            }
            return "";
        }
    }

    private record Delete(List<Acknowledgement> acknowledgements, CompletableFuture<Integer> done,
            AtomicBoolean released) implements Request {
        @Override
        public int rows() {
            return acknowledgements.size();
        }

        @Override
        public String recipient() {
            return acknowledgements.get(0).recipient();
        }
    }

    private final Inbox inbox;
    private final InboxQuota quota;
    private final RelayListener listener;
    private final int maxPendingRows;
    private final long maxPendingBytes;
    private final List<LinkedBlockingQueue<Request>> queues = new ArrayList<>();
    private final AtomicInteger pendingRows = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    public InboxWriter(Inbox inbox, int writers, int maxPendingRows, long maxPendingBytes) {
        this(inbox, writers, maxPendingRows, maxPendingBytes, InboxQuota.UNLIMITED, RelayListener.NONE);
    }

    /**
     * As above, with the per-device {@code quota} every frame is checked against, reporting each
     * committed transaction to {@code listener}.
     */
    public InboxWriter(Inbox inbox, int writers, int maxPendingRows, long maxPendingBytes, InboxQuota quota,
            RelayListener listener) {
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.quota = Objects.requireNonNull(quota, "quota");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (writers < 1 || maxPendingRows < 1 || maxPendingBytes < 1) {
            throw new IllegalArgumentException("writers, maxPendingRows and maxPendingBytes must be positive");
        }
        this.maxPendingRows = maxPendingRows;
        this.maxPendingBytes = maxPendingBytes;
        for (int i = 0; i < writers; i++) {
            LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            Thread t = new Thread(() -> run(queue), "ccp-inbox-writer-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Queues one frame's envelopes without looking at the answer's admission; the future holds
     * them with their ids once committed (empty when the quota refused them).
     */
    public CompletableFuture<List<Envelope>> enqueue(List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        return enqueueFrames(List.of(envelopes)).thenApply(admissions -> admissions.get(0).queued());
    }

    /**
     * Queues frames, each its envelopes for all its recipients; the future holds one admission
     * per frame (its envelopes with their ids, or the recipient over quota) once committed.
     */
    public CompletableFuture<List<Admission>> enqueueFrames(List<List<Envelope>> frames) {
        int rows = 0;
        long bytes = 0;
        for (List<Envelope> frame : frames) {
            rows += frame.size();
            for (Envelope envelope : frame) {
                bytes += envelope.payloadLength();
            }
        }
        if (rows == 0) {
            return CompletableFuture.completedFuture(java.util.Collections.nCopies(frames.size(),
                    Admission.queued(List.of())));
        }
        CompletableFuture<List<Admission>> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StorageException(StorageException.Kind.UNAVAILABLE, "inbox writer closed"));
            return done;
        }
        boolean overRows = pendingRows.addAndGet(rows) > maxPendingRows;
        boolean overBytes = pendingBytes.addAndGet(bytes) > maxPendingBytes;
        if (overRows || overBytes) {
            pendingRows.addAndGet(-rows);
            pendingBytes.addAndGet(-bytes);
            done.completeExceptionally(new StorageException(StorageException.Kind.UNAVAILABLE,
                    "inbox writer saturated (" + (overRows ? maxPendingRows + " rows" : maxPendingBytes + " bytes")
                            + " waiting)"));
            return done;
        }
        List<List<Envelope>> copied = new ArrayList<>(frames.size());
        frames.forEach(frame -> copied.add(List.copyOf(frame)));
        offer(new Insert(List.copyOf(copied), rows, bytes, done, new AtomicBoolean()));
        return done;
    }

    /**
     * Deletes the device's acknowledged envelopes; the future holds how many existed. Never
     * refused for a full queue: a delete frees what the queue protects.
     */
    public CompletableFuture<Integer> acknowledge(String recipient, List<Long> envelopeIds) {
        if (envelopeIds.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StorageException(StorageException.Kind.UNAVAILABLE, "inbox writer closed"));
            return done;
        }
        List<Acknowledgement> acks = new ArrayList<>(envelopeIds.size());
        envelopeIds.forEach(id -> acks.add(new Acknowledgement(recipient, id)));
        pendingRows.addAndGet(acks.size());
        offer(new Delete(acks, done, new AtomicBoolean()));
        return done;
    }

    /** Queues a request; one that raced with {@link #close} past its drain is failed, never left waiting. */
    private void offer(Request request) {
        LinkedBlockingQueue<Request> queue = queues.get(Math.floorMod(request.recipient().hashCode(), queues.size()));
        queue.add(request);
        if (closed && queue.remove(request)) {
            failClosed(request);
        }
    }

    private void failClosed(Request request) {
        StorageException closedError = new StorageException(StorageException.Kind.UNAVAILABLE, "inbox writer closed");
        if (request instanceof Insert insert) {
            release(List.of(insert), List.of());
            insert.done().completeExceptionally(closedError);
        } else {
            Delete delete = (Delete) request;
            release(List.of(), List.of(delete));
            delete.done().completeExceptionally(closedError);
        }
    }

    /** The per-device quota every frame is checked against. */
    public InboxQuota quota() {
        return quota;
    }

    /** Rows waiting for a transaction (for metrics). */
    public int pendingRows() {
        return pendingRows.get();
    }

    private void run(LinkedBlockingQueue<Request> queue) {
        List<Insert> inserts = new ArrayList<>();
        List<Delete> deletes = new ArrayList<>();
        int rows = 0;
        long lingerUntil = 0;
        while (!closed || !queue.isEmpty() || !deletes.isEmpty()) {
            try {
                long wait = deletes.isEmpty() ? TimeUnit.MILLISECONDS.toNanos(100) : lingerUntil - System.nanoTime();
                Request next = queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
                while (next != null) {
                    add(next, inserts, deletes);
                    rows += next.rows();
                    next = queue.peek();
                    if (next == null || rows + next.rows() > MAX_ROWS_PER_COMMIT || !queue.remove(next)) {
                        break;
                    }
                }
                if (inserts.isEmpty()) {
                    if (deletes.isEmpty()) {
                        continue;
                    }
                    if (lingerUntil == 0) {
                        lingerUntil = System.nanoTime() + ACK_LINGER_NANOS;
                    }
                    // Acknowledgements alone wait a moment for envelopes to share a commit with:
                    // a writer busy deleting holds up the next Msg behind a commit of its own.
                    if (!closed && rows < MAX_ROWS_PER_COMMIT / 2 && System.nanoTime() - lingerUntil < 0) {
                        continue;
                    }
                }
                commit(inserts, deletes);
            } catch (InterruptedException e) {
                if (closed) {
                    continue; // drain what is left
                }
                Thread.currentThread().interrupt();
                fail(inserts, deletes, new StorageException(StorageException.Kind.UNAVAILABLE, "inbox writer stopped"));
                return;
            } catch (RuntimeException e) {
                LOG.error("inbox writer failed", e);
                // Requests already settled were released and completed; the rest are now.
                fail(inserts, deletes, new StorageException(StorageException.Kind.UNAVAILABLE,
                        "inbox writer failed", e));
            }
            inserts.clear();
            deletes.clear();
            rows = 0;
            lingerUntil = 0;
        }
    }

    private void fail(List<Insert> inserts, List<Delete> deletes, StorageException failure) {
        release(inserts, deletes);
        inserts.forEach(r -> r.done().completeExceptionally(failure));
        deletes.forEach(r -> r.done().completeExceptionally(failure));
    }

    /**
     * Takes the batch's rows and bytes off the budget; called before its futures complete, so a
     * caller that sees its request done never still finds it counted. Each request is released
     * once.
     */
    private void release(List<Insert> inserts, List<Delete> deletes) {
        for (Insert r : inserts) {
            if (r.released().compareAndSet(false, true)) {
                pendingRows.addAndGet(-r.rows());
                pendingBytes.addAndGet(-r.bytes());
            }
        }
        for (Delete r : deletes) {
            if (r.released().compareAndSet(false, true)) {
                pendingRows.addAndGet(-r.rows());
            }
        }
    }

    private static void add(Request request, List<Insert> inserts, List<Delete> deletes) {
        if (request instanceof Insert insert) {
            inserts.add(insert);
        } else {
            deletes.add((Delete) request);
        }
    }

    /**
     * One transaction for the batch: every device's acknowledgements (each learns the total,
     * enough to log) and every request's frames (each learns its own admissions).
     */
    private void commit(List<Insert> inserts, List<Delete> deletes) {
        List<List<Envelope>> frames = new ArrayList<>();
        inserts.forEach(r -> frames.addAll(r.frames()));
        List<Acknowledgement> acks = new ArrayList<>();
        deletes.forEach(r -> acks.addAll(r.acknowledgements()));
        Inbox.Written written;
        try {
            written = inbox.write(frames, quota, acks);
        } catch (StorageException e) {
            fail(inserts, deletes, e);
            return;
        }
        release(inserts, deletes);
        List<Admission> admissions = written.admissions();
        if (!inserts.isEmpty()) {
            int rows = 0;
            for (Admission admission : admissions) {
                rows += admission.queued().size();
            }
            listener.committed(true, rows);
        }
        if (!deletes.isEmpty()) {
            listener.committed(false, written.deleted());
        }
        int from = 0;
        for (Insert request : inserts) {
            int to = from + request.frames().size();
            request.done().complete(List.copyOf(admissions.subList(from, to)));
            from = to;
        }
        deletes.forEach(r -> r.done().complete(written.deleted()));
    }

    /** Commits what is queued, then stops the writers (waiting up to five seconds). */
    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (LinkedBlockingQueue<Request> queue : queues) {
            Request left;
            while ((left = queue.poll()) != null) {
                failClosed(left);
            }
        }
    }
}
