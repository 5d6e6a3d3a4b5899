package io.commucat.ccp.server.cluster;

import io.commucat.ccp.server.connect.ConnectSession;
import io.commucat.ccp.server.connect.RouteTakeover;
import io.commucat.ccp.server.connect.SessionRegistry;
import io.commucat.ccp.server.storage.StorageException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node does when its bus subscription is confirmed again after Redis was away (Redis
 * keeps nothing on disk, so it may have come back empty): it rewrites the presence snapshot and
 * route of every local session at once, a pipelined round trip per {@link RouteTakeover#MAX_BATCH}
 * sessions, instead of waiting for each session's keepalive refresh,
 * and then has every local session re-read its inbox. Frames committed while the routes were
 * unknown, or whose bus messages were lost, are in the inbox: their senders' nodes took them for
 * "not connected". The order matters: a re-read before the routes are back could miss a frame
 * whose sender still found no route after it.
 *
 * <p>{@link #run} is the bus's resubscription listener: it never blocks, and the work runs on a
 * thread of its own (never the bus's, which must go on reading). A resubscription during a
 * rebuild schedules one more. Thread-safe.
 */
public final class PresenceRebuild implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PresenceRebuild.class);

    private final SessionRegistry registry;
    private final RouteTakeover routes;
    private final ExecutorService worker;
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** @param routes writes the routes of many sessions in one round trip */
    public PresenceRebuild(SessionRegistry registry, RouteTakeover routes) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.routes = Objects.requireNonNull(routes, "routes");
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ccp-presence-rebuild");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void run() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                worker.execute(this::rebuild);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // closing
            }
        }
    }

    private void rebuild() {
        scheduled.set(false);
        List<ConnectSession> sessions = List.copyOf(registry.all());
        // First: live deliveries from here on wait behind a re-read, so each sender's frames
        // still reach a device in the order they were queued.
        sessions.forEach(ConnectSession::inboxMayHoldMore);
        registry.arrivalsMayHaveMissed();
        int written = 0;
        for (int from = 0; from < sessions.size(); from += RouteTakeover.MAX_BATCH) {
            int to = Math.min(sessions.size(), from + RouteTakeover.MAX_BATCH);
            try {
                // Sessions that ended or were replaced meanwhile are left out.
                written += routes.takeOver(sessions.subList(from, to));
            } catch (StorageException e) {
                // Redis went away again: the next resubscription starts over.
                LOG.warn("presence rebuild stopped after {} of {} sessions: {}", written, sessions.size(),
                        e.getMessage());
                return;
            }
        }
        // Then: what was committed while the routes were unknown reaches its recipients now.
        sessions.forEach(ConnectSession::inboxMayHoldMore);
        registry.arrivalsMayHaveMissed();
        LOG.info("Redis is back: presence and routes of {} sessions rewritten, their inboxes read again", written);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
