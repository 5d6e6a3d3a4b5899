package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the ends of a node's established sessions ({@link SessionEnds}) in batches of at most
 * {@link #MAX_BATCH}, on a thread of its own (ccp-session-end), one batch at a time:
 *
 * <ol>
 *   <li>the devices' presence and routes cleared in one pipelined round trip
 *       ({@code Presence#clearEnded}), on this thread;
 *   <li>their {@code last_seen} ({@code Directory#touchDevices}, one statement per 1 000), on the
 *       storage executor, one statement at a time: what ends meanwhile is merged (per device,
 *       the latest) and written by the next. A database that is slow or away delays only
 *       {@code last_seen}, never the clearing of presence: a route left behind sends other
 *       nodes' frames to a device that is gone.
 * </ol>
 *
 * A batch is whatever ended while the one before was being recorded, so an end waits for at most
 * one batch before it (milliseconds), and 20 000 sessions closing within a second make some
 * twenty round trips rather than 20 000 storage tasks that overflow the storage executor.
 *
 * <p>Order: only a session that was still its device's current one clears presence (as before
 * batching: a replaced session must not erase its successor's entry). An end recorded late
 * must not erase a newer session of the device either: one registered here by then is asked
 * ({@link SessionRegistry#find}), and one still bootstrapping has written its snapshot after the
 * end, which {@code clearEnded} leaves alone. {@code last_seen} never moves back.
 *
 * <p>Failures are throttled warnings; presence then lapses by its TTL. Thread-safe.
 */
public final class SessionEndRecorder implements AutoCloseable {

    /** Ends recorded in one round trip at most. */
    static final int MAX_BATCH = RouteTakeover.MAX_BATCH;
    /** Devices whose {@code last_seen} waits for the database at most; beyond, it is not recorded. */
    static final int MAX_SEEN_PENDING = SessionEnds.DEFAULT_CAPACITY;
    /** How long {@link #close} waits for the ends still queued, and again for their {@code last_seen}. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);
    /** How often the idle thread looks whether it is asked to stop. */
    private static final long IDLE_POLL_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SessionEndRecorder.class);
    private static final ThrottledWarning PRESENCE_FAILED = new ThrottledWarning(LOG);
    private static final ThrottledWarning SEEN_FAILED = new ThrottledWarning(LOG);

    private final ConnectServices services;
    private final Thread thread;
    private volatile boolean stopping;

    /** Guards the two fields below. */
    private final Object seenLock = new Object();
    /** Device → latest end, waiting for the statement that is running (or the next batch). */
    private Map<String, Instant> seenPending = new HashMap<>();
    /** Whether a statement runs (or is queued) on the storage executor. */
    private boolean seenWriting;

    private SessionEndRecorder(ConnectServices services) {
        this.services = services;
        this.thread = new Thread(this::run, "ccp-session-end");
        this.thread.setDaemon(true);
    }

    /** Starts recording {@code services}' session ends; {@link #close} records what is left and stops. */
    public static SessionEndRecorder start(ConnectServices services) {
        SessionEndRecorder recorder = new SessionEndRecorder(services);
        recorder.thread.start();
        return recorder;
    }

    private void run() {
        SessionEnds ends = services.sessionEnds();
        try {
            while (!stopping || ends.size() > 0) {
                List<SessionEnds.Ended> batch = ends.take(MAX_BATCH, IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (!batch.isEmpty()) {
                    recordQuietly(batch);
                }
            }
        } catch (InterruptedException e) {
            LOG.warn("stopped with {} session ends not recorded; their presence lapses by its TTL", ends.size());
        }
    }

    private void recordQuietly(List<SessionEnds.Ended> batch) {
        try {
            Map<String, Instant> seen = new HashMap<>();
            clearPresence(services, batch, seen);
            seenLater(seen);
        } catch (RuntimeException e) {
            // The thread must go on: the next batch may fare better.
            LOG.error("recording {} session ends failed", batch.size(), e);
        }
    }

    /**
     * Blocking, off the loops: records {@code batch} (at most {@link #MAX_BATCH}) on the calling
     * thread, presence then {@code last_seen}: how one end is recorded on its own when it cannot
     * wait in {@link SessionEnds}.
     */
    static void record(ConnectServices services, List<SessionEnds.Ended> batch) {
        Map<String, Instant> seen = new HashMap<>();
        clearPresence(services, batch, seen);
        writeSeen(services, seen);
    }

    /** Clears the presence of {@code batch}'s current sessions; puts each device's latest end in {@code seen}. */
    private static void clearPresence(ConnectServices services, List<SessionEnds.Ended> batch,
            Map<String, Instant> seen) {
        Map<String, Instant> clear = new HashMap<>();
        for (SessionEnds.Ended end : batch) {
            // A device may end twice in a batch (it reconnected and ended again): its latest end counts.
            seen.merge(end.deviceId(), end.endedAt(), SessionEndRecorder::later);
            if (end.current() && services.registry().find(end.deviceId()) == null) {
                clear.merge(end.deviceId(), end.endedAt(), SessionEndRecorder::later);
            }
        }
        if (clear.isEmpty()) {
            return;
        }
        try {
            services.presence().clearEnded(clear, services.nodeId());
        } catch (StorageException e) {
            PRESENCE_FAILED.warn("presence clear failed for {} ended sessions: {}", clear.size(), e.getMessage());
        }
    }

    private static void writeSeen(ConnectServices services, Map<String, Instant> seen) {
        try {
            services.resolver().seenAll(seen);
        } catch (StorageException e) {
            SEEN_FAILED.warn("last seen not recorded for {} devices: {}", seen.size(), e.kind());
        }
    }

    /** Merges {@code seen} into what waits, and starts a statement unless one runs. */
    private void seenLater(Map<String, Instant> seen) {
        synchronized (seenLock) {
            if (seenPending.size() + seen.size() > MAX_SEEN_PENDING) {
                SEEN_FAILED.warn("the database is behind ({} devices' last seen waiting); last seen not recorded"
                        + " for {} devices", seenPending.size(), seen.size());
                return;
            }
            seen.forEach((device, at) -> seenPending.merge(device, at, SessionEndRecorder::later));
            if (seenWriting) {
                return; // the running statement's writer takes it next
            }
            seenWriting = true;
        }
        try {
            services.storageExecutor().execute(this::drainSeen);
        } catch (RejectedExecutionException e) {
            synchronized (seenLock) {
                seenWriting = false; // the next batch, or close, tries again with all that waits
                seenLock.notifyAll();
            }
            SEEN_FAILED.warn("storage executor saturated; last seen of {} devices waits for the next batch",
                    seen.size());
        }
    }

    /** On the storage executor: writes what waits, statement after statement, until nothing does. */
    private void drainSeen() {
        while (true) {
            Map<String, Instant> batch;
            synchronized (seenLock) {
                if (seenPending.isEmpty()) {
                    seenWriting = false;
                    seenLock.notifyAll();
                    return;
                }
                batch = seenPending;
                seenPending = new HashMap<>();
            }
            try {
                writeSeen(services, batch);
            } catch (RuntimeException e) {
                LOG.error("recording last seen of {} devices failed", batch.size(), e);
            }
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * Stops taking new ends (later ones are recorded one by one on the storage executor, or left
     * to the TTL once it is shut down) and records those queued, for up to {@link #CLOSE_DEADLINE},
     * then waits as long again for their {@code last_seen}. Call before the node's storage closes.
     */
    @Override
    public void close() {
        services.sessionEnds().close();
        stop();
    }

    /** Records what is queued and stops; later ends wait in the queue (tests: a recorder that is behind). */
    void stop() {
        stopping = true;
        try {
            thread.join(CLOSE_DEADLINE.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(CLOSE_DEADLINE.toMillis());
                return;
            }
            // One that was offered as the thread saw the queue empty and stopped.
            List<SessionEnds.Ended> late = services.sessionEnds().take(Integer.MAX_VALUE, 0, TimeUnit.MILLISECONDS);
            for (int from = 0; from < late.size(); from += MAX_BATCH) {
                recordQuietly(late.subList(from, Math.min(late.size(), from + MAX_BATCH)));
            }
            awaitSeen();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        }
    }

    /** Until no {@code last_seen} waits, for up to {@link #CLOSE_DEADLINE}; writes it here if no statement runs. */
    private void awaitSeen() throws InterruptedException {
        long deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
        Map<String, Instant> left;
        synchronized (seenLock) {
            while (seenWriting) {
                long wait = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (wait <= 0) {
                    LOG.warn("last seen of some ended sessions still being written at shutdown");
                    return;
                }
                seenLock.wait(wait);
            }
            left = seenPending;
            seenPending = new HashMap<>();
        }
        if (!left.isEmpty()) {
            writeSeen(services, left);
        }
    }
}
