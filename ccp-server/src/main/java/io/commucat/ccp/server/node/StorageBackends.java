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
import io.commucat.ccp.server.storage.redis.RedisPresence;

/**
 * The storage a node runs on, chosen by {@code [storage]}: PostgreSQL or the embedded H2 file,
 * Redis or in-process presence and bus (architecture.md, "Storage ports").
 */
public record StorageBackends(JdbcStore sql, Presence presence, Bus bus, String sqlName, String presenceName)
        implements AutoCloseable {

    public static StorageBackends open(ServerConfig config, DataDirectory data) throws StorageException {
        ServerConfig.Storage storage = config.storage();
        JdbcStore sql = JdbcStore.open(storage.postgresDsn()
                .map(JdbcSettings::fromDsn)
                .orElseGet(() -> JdbcSettings.h2File(data.embeddedDatabase())));
        try {
            Presence presence = storage.redisUrl()
                    .<Presence>map(url -> RedisPresence.connect(url, RedisPresence.DEFAULT_PREFIX))
                    .orElseGet(EmbeddedPresence::new);
            Bus bus = storage.redisUrl()
                    .<Bus>map(url -> new RedisBus(url, null, RedisPresence.DEFAULT_PREFIX))
                    .orElseGet(EmbeddedBus::new);
            return new StorageBackends(sql, presence, bus, storage.embeddedSql() ? "h2" : "postgres",
                    storage.inProcessPresence() ? "in-process" : "redis");
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
        sql.close();
    }
}
