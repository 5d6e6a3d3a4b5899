package io.commucat.ccp.server.storage.redis;

import io.commucat.ccp.server.storage.StorageException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Fails Redis calls fast while Redis is known to be unreachable, so that a node whose Redis went
 * away does not spend a storage thread on a connect or socket timeout per route lookup and
 * presence write (the node would crawl). One per Redis server, shared by every adapter that
 * talks to it. Thread-safe.
 *
 * <p>States: {@code CLOSED} (calls go through); any failure but an error reply
 * (refused, reset, timed out, no pooled connection in time) opens it. {@code OPEN}: calls
 * fail at once with {@code UNAVAILABLE} until {@link #RETRY_AFTER} has passed, then the next call
 * is let through as the probe ({@code PROBING}) while the others keep failing fast; the probe's
 * success closes it, its failure opens it again. {@link #reachable()} closes it from outside: the
 * bus's subscription confirming again is the surest sign that Redis answers. Error replies ({@link
 * JedisDataException}: a wrong type, a script error) show Redis answers and pass through.
 */
public final class RedisBreaker {

    /** How long calls fail fast before one is let through to see whether Redis is back. */
    public static final Duration RETRY_AFTER = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(RedisBreaker.class);

    /** Where the breaker is. */
    public enum State {
        CLOSED,
        OPEN,
        PROBING
    }

    private final LongSupplier nanos;
    private final Runnable dropIdleConnections;
    /** Written under the lock; read without it on the hot path (every Redis call while closed). */
    private volatile State state = State.CLOSED;
    private long openedAt;

    public RedisBreaker() {
        this(() -> { });
    }

    /**
     * @param dropIdleConnections closes the pool's idle connections: after Redis went away they
     *     are all dead, and each would fail one call after Redis is back (a lost route lookup is a
     *     frame that reaches its recipient only at its next connection)
     */
    public RedisBreaker(Runnable dropIdleConnections) {
        this(System::nanoTime, dropIdleConnections);
    }

    /** @param nanos a monotonic clock in nanoseconds (tests move it) */
    RedisBreaker(LongSupplier nanos, Runnable dropIdleConnections) {
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.dropIdleConnections = Objects.requireNonNull(dropIdleConnections, "dropIdleConnections");
    }

    public State state() {
        return state;
    }

    /**
     * Runs {@code command} unless the breaker is open.
     *
     * @throws StorageException {@code UNAVAILABLE} when Redis failed or is known to be down
     */
    public <T> T call(String what, Supplier<T> command) throws StorageException {
        boolean probe = admit(what);
        try {
            T result = command.get();
            succeeded();
            return result;
        } catch (JedisDataException e) {
            succeeded(); // Redis answered, with an error
            throw new StorageException(StorageException.Kind.UNAVAILABLE, what + ": Redis failed", e);
        } catch (JedisException e) {
            failed(probe, e);
            throw new StorageException(StorageException.Kind.UNAVAILABLE, what + ": Redis unreachable", e);
        }
    }

    /** Redis answered something other than through {@link #call} (the bus subscription confirmed). */
    public void reachable() {
        succeeded();
        dropIdle(); // anything pooled before now may predate a restart
    }

    /** Redis went away as seen from outside {@link #call} (the bus subscription dropped): fail fast from now on. */
    public void unreachable(String why) {
        synchronized (this) {
            if (state == State.CLOSED) {
                LOG.warn("Redis unreachable ({}); failing its calls fast, retrying every {} ms", why,
                        RETRY_AFTER.toMillis());
                state = State.OPEN;
                openedAt = nanos.getAsLong();
            }
        }
        dropIdle();
    }

    private void dropIdle() {
        try {
            dropIdleConnections.run();
        } catch (RuntimeException e) {
            LOG.debug("dropping idle Redis connections failed", e);
        }
    }

    /** @return whether this call is the probe of an open breaker */
    private boolean admit(String what) throws StorageException {
        return state != State.CLOSED && admitWhileOpen(what);
    }

    private synchronized boolean admitWhileOpen(String what) throws StorageException {
        switch (state) {
            case CLOSED -> {
                return false;
            }
            case OPEN -> {
                if (nanos.getAsLong() - openedAt >= RETRY_AFTER.toNanos()) {
                    state = State.PROBING;
                    return true;
                }
            }
            case PROBING -> {
                // another call is finding out
            }
        }
        throw new StorageException(StorageException.Kind.UNAVAILABLE,
                what + ": Redis unreachable (failing fast until it answers again)");
    }

    private void succeeded() {
        if (state != State.CLOSED) {
            closeAfterSuccess();
        }
    }

    private synchronized void closeAfterSuccess() {
        if (state != State.CLOSED) {
            LOG.info("Redis answers again; calls go through");
            state = State.CLOSED;
        }
    }

    private void failed(boolean probe, JedisException e) {
        boolean opened;
        synchronized (this) {
            opened = state == State.CLOSED;
            if (opened) {
                LOG.warn("Redis unreachable ({}); failing its calls fast, retrying every {} ms", e.getMessage(),
                        RETRY_AFTER.toMillis());
            }
            if (opened || probe) {
                state = State.OPEN;
                openedAt = nanos.getAsLong();
            }
        }
        if (opened) {
            dropIdle();
        }
    }
}
