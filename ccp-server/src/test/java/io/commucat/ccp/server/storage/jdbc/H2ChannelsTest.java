package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.ChannelsContract;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Channels contract on the embedded H2 file database. */
class H2ChannelsTest implements ChannelsContract {

    @TempDir
    static Path tempDir;

    @RegisterExtension
    static final JdbcStoreExtension DATABASE = JdbcStoreExtension.h2(() -> tempDir);

    @Override
    public JdbcChannels channels() {
        return DATABASE.store().channels();
    }

    @Override
    public JdbcDirectory directory() {
        return DATABASE.store().directory();
    }
}
