package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.InboxUsage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The statements {@link JdbcInbox} runs inside its transactions, one implementation per way of
 * sending many rows: {@link BatchedInboxRows} (a JDBC batch, one row per bind; any database) and
 * {@link ArrayInboxRows} (one statement over arrays; PostgreSQL), which costs the database about a
 * third less per row and the node about half (docs/benchmarks.md). The transaction logic (locks,
 * quota, what is deleted) is {@link JdbcInbox}'s and the same for both.
 */
interface InboxRows {

    /** A queued envelope the acknowledgement removed: whose it was and its payload size. */
    record Removed(String recipient, long bytes) {
    }

    /**
     * Locks the recipients' usage rows in recipient order and reads them; absent rows read as
     * empty. With {@code create}, absent rows are made first, so that every recipient's row is
     * locked when this returns. Must be the transaction's first statement (it may restart it).
     */
    SortedMap<String, InboxUsage> lockUsage(Connection c, SortedSet<String> recipients, boolean create)
            throws SQLException;

    /** Inserts the envelopes in order; returns them with their ids, ascending in that order. */
    List<Envelope> insert(Connection c, List<Envelope> envelopes) throws SQLException;

    /** Writes the usage rows that changed from {@code before} (already locked by this transaction). */
    void storeUsage(Connection c, Map<String, InboxUsage> before, SortedMap<String, InboxUsage> after)
            throws SQLException;

    /**
     * {@link #insert} (when there are envelopes) and {@link #storeUsage}; an implementation may
     * send both as one statement, one round trip fewer per transaction.
     */
    default List<Envelope> insertAndStoreUsage(Connection c, List<Envelope> envelopes, Map<String, InboxUsage> before,
            SortedMap<String, InboxUsage> after) throws SQLException {
        List<Envelope> queued = envelopes.isEmpty() ? List.of() : insert(c, envelopes);
        storeUsage(c, before, after);
        return queued;
    }

    /**
     * Deletes the envelopes each acknowledgement names, only where the acknowledging device is
     * their recipient, and says what went. The recipients' usage rows are locked.
     */
    List<Removed> deleteOwned(Connection c, Collection<Acknowledgement> acknowledgements) throws SQLException;
}
