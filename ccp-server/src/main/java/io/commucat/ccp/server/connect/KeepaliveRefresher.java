package io.commucat.ccp.server.connect;

import io.commucat.ccp.server.logging.ThrottledWarning;
import io.commucat.ccp.server.storage.StorageException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's keepalive round (ccp-1.md §4.3: while connected, session and presence are
 * refreshed every keepalive interval). Once a tick it takes the sessions the
 * {@link ConnectSession}s' {@link KeepaliveSchedule} says are due and, per batch of at most
 * {@link RouteTakeover#MAX_BATCH}, on the storage executor:
 *
 * <ol>
 *   <li>their presence snapshots and routes in one pipelined round trip ({@link RouteTakeover}),
 *       first and whatever the database does: they are how other nodes reach these devices, and
 *       a database outage longer than the presence TTL must not leave connected devices
 *       unreachable;
 *   <li>their session rows in one statement ({@code Sessions#refreshAll}); a session whose row
 *       was not refreshed and whose device is no longer active was revoked without this node
 *       hearing the broadcast (the bus is at most once): it ends, on its loop.
 * </ol>
 *
 * And on each session's loop, one task per loop for all of its due sessions, the relay's retry
 * of what a saturated or failing store left undone (cheap: nothing to do for an idle session).
 *
 * <p>A saturated storage executor, or more than {@link #MAX_BATCHES_IN_FLIGHT} batches still
 * running (storage is behind or away), skips the batch: its sessions are refreshed at their next
 * turn, one interval later, as when one session's refresh was skipped before. More than
 * {@link #MAX_STATEMENTS_IN_FLIGHT} batches in their database statement skip only the statement.
 * Failures and skips are throttled warnings. Thread-safe; the round runs on a thread of its own.
 */
public final class KeepaliveRefresher implements AutoCloseable {

    /** Batches queued or running at most; beyond, storage is behind and the round skips. */
    static final int MAX_BATCHES_IN_FLIGHT = 16;
    /**
     * Batches in their database statement at most (under the pool's 10 connections). A database
     * that hangs holds this many storage threads, not all of them, and the batches beyond still
     * write presence and routes (skipping only their statement), so connected devices stay
     * reachable through the outage.
     */
    static final int MAX_STATEMENTS_IN_FLIGHT = 4;

    private static final Logger LOG = LoggerFactory.getLogger(KeepaliveRefresher.class);
    private static final ThrottledWarning SKIPPED = new ThrottledWarning(LOG);
    private static final ThrottledWarning PRESENCE_FAILED = new ThrottledWarning(LOG);
    private static final ThrottledWarning REFRESH_FAILED = new ThrottledWarning(LOG);

    private final ConnectServices services;
    private final RouteTakeover routes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger statementsInFlight = new AtomicInteger();
    private final ScheduledExecutorService timer;

    private KeepaliveRefresher(ConnectServices services, ScheduledExecutorService timer) {
        this.services = services;
        this.routes = new RouteTakeover(services);
        this.timer = timer;
    }

    /** Starts the round of {@code services}' sessions on a daemon thread of its own; {@link #close} stops it. */
    public static KeepaliveRefresher start(ConnectServices services) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ccp-keepalive");
            t.setDaemon(true);
            return t;
        });
        KeepaliveRefresher refresher = new KeepaliveRefresher(services, timer);
        long tick = services.keepalive().tick().toNanos();
        timer.scheduleAtFixedRate(refresher::tickQuietly, tick, tick, TimeUnit.NANOSECONDS);
        return refresher;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: the round must go on.
            LOG.error("keepalive round failed", e);
        }
    }

    /** One round: what is due goes to storage in batches, and each due session's loop retries its relay. */
    void tick() {
        List<ConnectSession> due = services.keepalive().due();
        if (due.isEmpty()) {
            return;
        }
        retryOnLoops(due);
        Instant now = services.clock().instant();
        for (int from = 0; from < due.size(); from += RouteTakeover.MAX_BATCH) {
            List<ConnectSession> batch = due.subList(from, Math.min(due.size(), from + RouteTakeover.MAX_BATCH));
            submit(List.copyOf(batch), now);
        }
    }

    private void retryOnLoops(List<ConnectSession> due) {
        Map<Executor, List<ConnectSession>> byLoop = new IdentityHashMap<>();
        due.forEach(session -> byLoop.computeIfAbsent(session.loop(), loop -> new ArrayList<>()).add(session));
        byLoop.forEach((loop, sessions) -> {
            try {
                loop.execute(() -> sessions.forEach(ConnectSession::keepaliveRetry));
            } catch (RejectedExecutionException e) {
                LOG.debug("an event loop is shutting down; {} relay retries dropped", sessions.size());
            }
        });
    }

    private void submit(List<ConnectSession> batch, Instant now) {
        if (inFlight.incrementAndGet() > MAX_BATCHES_IN_FLIGHT) {
            inFlight.decrementAndGet();
            SKIPPED.warn("storage is behind ({} keepalive batches still running); skipped the refresh of {} sessions",
                    MAX_BATCHES_IN_FLIGHT, batch.size());
            return;
        }
        try {
            services.storageExecutor().execute(() -> {
                try {
                    refresh(batch, now);
                } finally {
                    inFlight.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.decrementAndGet();
            SKIPPED.warn("storage executor saturated; skipped the keepalive refresh of {} sessions", batch.size());
        }
    }

    /** Off the loops: presence and routes first, then the session rows. */
    private void refresh(List<ConnectSession> batch, Instant now) {
        List<LiveSession> live = new ArrayList<>(batch.size());
        for (ConnectSession session : batch) {
            LiveSession state = session.live();
            if (state != null) {
                live.add(state);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        try {
            routes.takeOver(live, now);
        } catch (StorageException e) {
            PRESENCE_FAILED.warn("presence refresh failed for {} sessions: {}", live.size(), e.getMessage());
        }
        if (statementsInFlight.incrementAndGet() > MAX_STATEMENTS_IN_FLIGHT) {
            statementsInFlight.decrementAndGet();
            SKIPPED.warn("the database is behind ({} keepalive statements still running); skipped the session"
                    + " refresh of {} sessions", MAX_STATEMENTS_IN_FLIGHT, live.size());
            return;
        }
        try {
            refreshRows(live, now);
        } finally {
            statementsInFlight.decrementAndGet();
        }
    }

    private void refreshRows(List<LiveSession> live, Instant now) {
        Map<String, LiveSession> byToken = new HashMap<>();
        live.forEach(session -> byToken.put(session.tokenHash(), session));
        Set<String> missed;
        try {
            missed = services.sessions().refreshAll(byToken.keySet(),
                    now.plus(services.policy().connectionKeepalive()));
        } catch (StorageException e) {
            REFRESH_FAILED.warn("session refresh failed for {} sessions: {}", live.size(), e.getMessage());
            return;
        }
        for (String tokenHash : missed) {
            endIfRevoked(byToken.get(tokenHash));
        }
    }

    /** A session row that was not refreshed: gone, or its device revoked; only the latter ends the session. */
    private void endIfRevoked(LiveSession session) {
        if (session == null) {
            return;
        }
        try {
            if (!services.resolver().active(session.deviceId())) {
                // Revoked, and the broadcast that ends its sessions did not reach this node: the
                // periodic refresh is the backstop.
                ConnectSession target = session.session();
                target.onLoop(target::revoked);
            }
        } catch (StorageException e) {
            REFRESH_FAILED.warn("device check failed for {}: {}", session.deviceId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
