package io.commucat.ccp.server.http.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of each dependency (database, Redis, ledger), kept current in the background so
 * that {@code /readyz} answers at once from memory whatever the dependencies do. Every
 * {@code interval} each dependency is probed, at most one probe per dependency at a time; a
 * probe that returns false, throws, or has not answered within {@code timeout} makes it down
 * (the stuck probe is left to finish on its own thread, and no second one is started beside
 * it), and the next probe that passes makes it up again.
 *
 * <p>Threading: probes block (JDBC, Redis), so each dependency gets its own probe thread
 * ({@code ccp-health-<name>}); one scheduler thread ({@code ccp-health}) starts probes and
 * marks overdue ones. {@link #snapshot()} may be called from any thread, event loops included:
 * it only reads volatile fields. {@link #close()} stops every thread.
 */
public final class DependencyHealth implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DependencyHealth.class);

    /** What one dependency looks like right now. */
    public enum State {
        UP,
        DOWN
    }

    private final List<Dependency> dependencies = new ArrayList<>();
    private final Duration interval;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService probes;

    /**
     * @param checks   dependency name → check, in the order {@code /readyz} lists them
     * @param interval time between the start of one probe round and the next
     * @param timeout  a probe slower than this counts as down
     */
    public DependencyHealth(Map<String, BooleanSupplier> checks, Duration interval, Duration timeout) {
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        this.interval = interval;
        this.timeout = timeout;
        checks.forEach((name, check) -> dependencies.add(new Dependency(name, check)));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("ccp-health", new AtomicInteger(-1)));
        // One thread per dependency is enough: a dependency never has two probes in flight.
        this.probes = Executors.newFixedThreadPool(Math.max(1, dependencies.size()),
                daemon("ccp-health-probe-", new AtomicInteger()));
    }

    /**
     * Probes every dependency once and waits for the answers (at most {@code timeout}), so the
     * first {@code /readyz} already tells the truth, then keeps probing in the background.
     */
    public DependencyHealth start() {
        List<CompletableFuture<Void>> first = new ArrayList<>();
        for (Dependency d : dependencies) {
            first.add(d.probe());
        }
        try {
            CompletableFuture.allOf(first.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The overdue marks have already said "down"; the background rounds carry on.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a health probe failed unexpectedly", e.getCause());
        }
        scheduler.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Each dependency's current state, in the order given. */
    public Map<String, State> snapshot() {
        Map<String, State> states = new LinkedHashMap<>();
        for (Dependency d : dependencies) {
            states.put(d.name, d.state);
        }
        return states;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        probes.shutdownNow();
    }

    private void round() {
        for (Dependency d : dependencies) {
            d.probe();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix, AtomicInteger n) {
        return r -> {
            int i = n.getAndIncrement();
            Thread t = new Thread(r, i < 0 ? prefix : prefix + i);
            t.setDaemon(true);
            return t;
        };
    }

    /** One dependency: its check, its state and the probe in flight, if any. */
    private final class Dependency {
        private final String name;
        private final BooleanSupplier check;
        /** Written by the probe thread and the scheduler, read by event loops. */
        private volatile State state = State.DOWN;
        /** The probe in flight; the scheduler and the probe thread hand it over under this object's lock. */
        private CompletableFuture<Void> inFlight;
        private long probeNumber;

        Dependency(String name, BooleanSupplier check) {
            this.name = name;
            this.check = check;
        }

        /** Starts a probe unless one is still running; returns when it is done (or the running one is). */
        synchronized CompletableFuture<Void> probe() {
            if (inFlight != null) {
                return inFlight;
            }
            long number = ++probeNumber;
            CompletableFuture<Void> probe;
            try {
                probe = CompletableFuture.runAsync(() -> {
                    boolean up = false;
                    try {
                        up = run();
                    } finally {
                        finish(number, up); // even after an Error: a stuck "in flight" would stop all probing
                    }
                }, probes);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                return CompletableFuture.completedFuture(null);
            }
            inFlight = probe;
            try {
                scheduler.schedule(() -> overdue(number), timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // Shutting down: nobody will ask any more.
            }
            return probe;
        }

        private boolean run() {
            try {
                return check.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.warn("health check {} failed: {}", name, e.getClass().getSimpleName());
                return false;
            }
        }

        private synchronized void finish(long number, boolean up) {
            if (number == probeNumber) {
                inFlight = null;
            }
            set(up ? State.UP : State.DOWN, up ? null : "check failed");
        }

        private synchronized void overdue(long number) {
            if (number == probeNumber && inFlight != null) {
                set(State.DOWN, "no answer within " + timeout.toMillis() + " ms");
            }
        }

        private void set(State next, String why) {
            State previous = state;
            state = next;
            if (previous != next) {
                if (next == State.DOWN) {
                    LOG.warn("dependency {} is down ({})", name, why);
                } else {
                    LOG.info("dependency {} is up", name);
                }
            }
        }
    }
}
