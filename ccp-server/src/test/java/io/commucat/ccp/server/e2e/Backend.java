package io.commucat.ccp.server.e2e;

import io.commucat.ccp.server.node.CcpNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * The storage a test class runs its nodes on, and how the test reads what they stored. One
 * instance per test class: it owns its isolation (a fresh PostgreSQL schema, the Redis keys of
 * its own devices) and removes it in {@link #close()}.
 */
interface Backend extends AutoCloseable {

    /** For test names and messages. */
    String name();

    /** The {@code CCP_STORAGE_*} / {@code CCP_CRYPTO_*} variables that point a node at this storage. */
    Map<String, String> environment();

    /**
     * Reads the stored state behind {@code node}.
     *
     * @param embeddedDatabase the node's H2 file ({@code DataDirectory.embeddedDatabase()}), used
     *     by the embedded backend only
     */
    StoredState state(CcpNode node, Path embeddedDatabase);

    /** Drops what this class created (schema, keys). Never throws for a missing piece. */
    @Override
    void close();
}
