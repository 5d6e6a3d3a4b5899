package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.ChannelsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Channels contract on the real PostgreSQL server, in a schema of its own. */
class PostgresChannelsTest implements ChannelsContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcChannels channels() {
        return DATABASE.store().channels();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
