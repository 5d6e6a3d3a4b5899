package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.ContactsContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Contacts contract on the real PostgreSQL server, in a schema of its own. */
class PostgresContactsTest implements ContactsContract {

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.postgres();

    @Override
    public JdbcContacts contacts() {
        return DATABASE.store().contacts();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
