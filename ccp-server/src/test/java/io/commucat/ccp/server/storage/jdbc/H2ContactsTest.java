package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.ContactsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Contacts contract on the embedded H2 file database. */
class H2ContactsTest implements ContactsContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcContacts contacts() {
        return DATABASE.store().contacts();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
