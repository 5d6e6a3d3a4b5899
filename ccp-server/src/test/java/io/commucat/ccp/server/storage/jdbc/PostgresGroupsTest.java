package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.GroupsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Groups contract on the real PostgreSQL server, in a schema of its own. */
class PostgresGroupsTest implements GroupsContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcGroups groups() {
        return DATABASE.store().groups();
    }
}
