package io.commucat.ccp.server.node;

import io.commucat.ccp.server.config.ServerConfig;
import io.commucat.ccp.server.datadir.DataDirectory;
import io.commucat.ccp.server.storage.Bus;
import io.commucat.ccp.server.storage.Presence;
import io.commucat.ccp.server.storage.StorageException;
import io.commucat.ccp.server.storage.embedded.EmbeddedBus;
import io.commucat.ccp.server.storage.embedded.EmbeddedPresence;
import io.commucat.ccp.server.storage.jdbc.JdbcSettings;
import io.commucat.ccp.server.storage.jdbc.JdbcStore;
import io.commucat.ccp.server.storage.redis.RedisBus;
import io.commucat.ccp.server.storage.redis.RedisConnections;
import io.commucat.ccp.server.storage.redis.RedisPresence;
import java.util.Optional;

/**
 * The storage a node runs on, chosen by {@code [storage]}: PostgreSQL or the embedded H2 file,
 * Redis or in-process presence and bus (architecture.md, "Storage ports").
 */
public record StorageBackends(JdbcStore sql, Presence presence, Bus bus, String sqlName, String presenceName,
        Optional<RedisConnections> redis) implements AutoCloseable {

    /**
     * @param maxCallers how many threads may call storage at once (the storage executor's size):
     *     the Redis pool has that many connections
     */
    public static StorageBackends open(ServerConfig config, DataDirectory data, int maxCallers)
            throws StorageException {
        ServerConfig.Storage storage = config.storage();
        JdbcStore sql = JdbcStore.open(storage.postgresDsn()
                .map(JdbcSettings::fromDsn)
                .orElseGet(() -> JdbcSettings.h2File(data.embeddedDatabase())));
        try {
            Optional<RedisConnections> redis = storage.redisUrl().map(url -> RedisConnections.open(url, maxCallers));
            // Presence and bus share the pool and the breaker: one of them seeing Redis gone makes both fail fast.
            Presence presence = redis
                    .<Presence>map(r -> new RedisPresence(r.pool(), RedisPresence.DEFAULT_PREFIX, r.breaker()))
                    .orElseGet(EmbeddedPresence::new);
            Bus bus = redis
                    .<Bus>map(r -> new RedisBus(storage.redisUrl().orElseThrow(), r.pool(),
                            RedisPresence.DEFAULT_PREFIX, r.breaker()))
                    .orElseGet(EmbeddedBus::new);
            return new StorageBackends(sql, presence, bus, storage.embeddedSql() ? "h2" : "postgres",
                    storage.inProcessPresence() ? "in-process" : "redis", redis);
        } catch (RuntimeException e) {
            sql.close();
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "cannot connect to Redis", e);
        }
    }

    @Override
    public void close() {
        bus.close();
        if (presence instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing on the way out: nothing left to do with the error
            }
        }
        redis.ifPresent(RedisConnections::close);
        sql.close();
    }
}
