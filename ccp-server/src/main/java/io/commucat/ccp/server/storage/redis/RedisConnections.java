package io.commucat.ccp.server.storage.redis;

import java.net.URI;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;

/**
 * What a node's Redis adapters share: one connection pool and one {@link RedisBreaker}, so that
 * a failure any of them sees makes all of them fail fast, and the bus subscription's return
 * lets all of them through again. {@link #close} closes the pool.
 */
public record RedisConnections(JedisPooled pool, RedisBreaker breaker) implements AutoCloseable {

    /** Connect and socket timeout of every pooled connection. */
    static final int TIMEOUT_MS = 2_000;
    /** How long a caller waits for a pooled connection before the call fails (never forever). */
    static final Duration BORROW_WAIT = Duration.ofMillis(TIMEOUT_MS);

    /**
     * A pool to {@code redisUrl} ({@code redis://[user:password@]host:port[/db]} or {@code
     * rediss://}) that never contacts the server before its first call.
     *
     * @param maxConnections as many as threads may call at once (the storage executor's size),
     *     so that none waits for another's connection
     */
    public static RedisConnections open(String redisUrl, int maxConnections) {
        ConnectionPoolConfig config = new ConnectionPoolConfig();
        config.setMaxTotal(maxConnections);
        config.setMaxIdle(maxConnections);
        config.setMaxWait(BORROW_WAIT);
        JedisPooled pool = new JedisPooled(config, URI.create(redisUrl), TIMEOUT_MS);
        return new RedisConnections(pool, new RedisBreaker(() -> pool.getPool().clear()));
    }

    @Override
    public void close() {
        pool.close();
    }
}
