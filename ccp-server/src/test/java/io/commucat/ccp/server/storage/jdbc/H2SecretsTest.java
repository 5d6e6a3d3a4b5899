package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.SecretsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Secrets contract on the embedded H2 file database. */
class H2SecretsTest implements SecretsContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcSecrets secrets() {
        return DATABASE.store().secrets();
    }
}
