package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the ends of a node's established sessions ({@link SessionEnds}) in batches of at most
 * {@link #MAX_BATCH}, on a thread of its own (ccp-session-end), one batch at a time:
 *
 * <ol>
 *   <li>the devices' presence and routes cleared in one pipelined round trip
 *       ({@code Presence#clearEnded}), first and whatever the database does: a route left to its
 *       TTL sends other nodes' frames to a device that is gone;
 *   <li>the devices' {@code last_seen} in one statement ({@code Directory#touchDevices}).
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

    /** Ends recorded in one round trip and one statement at most. */
    static final int MAX_BATCH = RouteTakeover.MAX_BATCH;
    /** How long {@link #close} waits for the ends still queued to be recorded. */
    static final Duration CLOSE_DEADLINE = Duration.ofSeconds(5);
    /** How often the idle thread looks whether it is asked to stop. */
    private static final long IDLE_POLL_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(SessionEndRecorder.class);
    private static final ThrottledWarning PRESENCE_FAILED = new ThrottledWarning(LOG);
    private static final ThrottledWarning SEEN_FAILED = new ThrottledWarning(LOG);

    private final ConnectServices services;
    private final Thread thread;
    private volatile boolean stopping;

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
            record(services, batch);
        } catch (RuntimeException e) {
            // The thread must go on: the next batch may fare better.
            LOG.error("recording {} session ends failed", batch.size(), e);
        }
    }

    /**
     * Blocking, off the loops: records {@code batch} (at most {@link #MAX_BATCH}) as above. Also
     * how one end is recorded on its own when it cannot wait in {@link SessionEnds}.
     */
    static void record(ConnectServices services, List<SessionEnds.Ended> batch) {
        Map<String, Instant> clear = new HashMap<>();
        Map<String, Instant> seen = new HashMap<>();
        for (SessionEnds.Ended end : batch) {
            // A device may end twice in a batch (it reconnected and ended again): its latest end counts.
            seen.merge(end.deviceId(), end.endedAt(), (a, b) -> a.isAfter(b) ? a : b);
            if (end.current() && services.registry().find(end.deviceId()) == null) {
                clear.merge(end.deviceId(), end.endedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (!clear.isEmpty()) {
            try {
                services.presence().clearEnded(clear, services.nodeId());
            } catch (StorageException e) {
                PRESENCE_FAILED.warn("presence clear failed for {} ended sessions: {}", clear.size(), e.getMessage());
            }
        }
        try {
            services.resolver().seenAll(seen);
        } catch (StorageException e) {
            SEEN_FAILED.warn("last seen not recorded for {} devices: {}", seen.size(), e.kind());
        }
    }

    /**
     * Stops taking new ends (later ones are recorded one by one on the storage executor, or left
     * to the TTL once it is shut down) and records those queued, for up to {@link #CLOSE_DEADLINE}.
     * Call before the node's storage closes.
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
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
        }
    }
}
