package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.InboxUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/** {@link InboxRows} as JDBC batches, one bind per row: plain SQL that H2 and PostgreSQL both run. */
final class BatchedInboxRows implements InboxRows {

    /** IN lists go in chunks so one statement never carries an unbounded list. */
    static final int CHUNK = 500;

    @Override
    public SortedMap<String, InboxUsage> lockUsage(Connection c, SortedSet<String> recipients, boolean create)
            throws SQLException {
        if (create) {
            // An existing row is neither changed nor locked here; a row another transaction is
            // inserting is waited for.
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO inbox_usage (recipient, envelopes, bytes) VALUES (?, 0, 0) ON CONFLICT DO NOTHING")) {
                for (String recipient : recipients) {
                    insert.setString(1, recipient);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        SortedMap<String, InboxUsage> usage = new TreeMap<>();
        List<String> all = new ArrayList<>(recipients);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            for (InboxUsage.Row row : Jdbc.queryList(c, "SELECT recipient, envelopes, bytes FROM inbox_usage"
                    + " WHERE recipient IN (" + marks(chunk.size()) + ") ORDER BY recipient FOR UPDATE",
                    r -> new InboxUsage.Row(r.getString(1), new InboxUsage(r.getLong(2), r.getLong(3))),
                    chunk.toArray())) {
                usage.put(row.recipient(), row.usage());
            }
        }
        for (String recipient : recipients) {
            usage.putIfAbsent(recipient, InboxUsage.EMPTY);
        }
        return usage;
    }

    @Override
    public List<Envelope> insert(Connection c, List<Envelope> envelopes) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO inbox (recipient, channel_id, frame_type,"
                + " payload, sender, queued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
            for (Envelope e : envelopes) {
                insert.setString(1, e.recipient());
                insert.setLong(2, e.channelId());
                insert.setShort(3, (short) e.type().code());
                insert.setBinaryStream(4, e.payloadStream(), e.payloadLength());
                insert.setString(5, e.sender());
                insert.setObject(6, Jdbc.timestamp(e.queuedAt()));
                insert.setObject(7, Jdbc.timestamp(e.expiresAt()));
                insert.addBatch();
            }
            insert.executeBatch();
            List<Envelope> queued = new ArrayList<>(envelopes.size());
            try (ResultSet keys = insert.getGeneratedKeys()) {
                for (Envelope e : envelopes) {
                    if (!keys.next()) {
                        throw new SQLException("the database returned fewer ids than rows inserted");
                    }
                    queued.add(e.withId(keys.getLong(1)));
                }
            }
            return queued;
        }
    }

    @Override
    public void storeUsage(Connection c, Map<String, InboxUsage> before, SortedMap<String, InboxUsage> after)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE inbox_usage SET envelopes = ?, bytes = ? WHERE recipient = ?")) {
            int changed = 0;
            for (Map.Entry<String, InboxUsage> e : after.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    update.setLong(1, Math.max(0, e.getValue().envelopes()));
                    update.setLong(2, Math.max(0, e.getValue().bytes()));
                    update.setString(3, e.getKey());
                    update.addBatch();
                    changed++;
                }
            }
            if (changed > 0) {
                update.executeBatch();
            }
        }
    }

    @Override
    public List<Removed> deleteOwned(Connection c, Collection<Acknowledgement> acknowledgements) throws SQLException {
        Map<Long, String> owners = new HashMap<>();
        acknowledgements.forEach(ack -> owners.putIfAbsent(ack.envelopeId(), ack.recipient()));
        // Under the usage locks nobody else deletes these devices' envelopes: what is read is what goes.
        List<Long> ids = new ArrayList<>(owners.keySet());
        List<Long> doomed = new ArrayList<>();
        List<Removed> removed = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            record Row(long id, String recipient, long bytes) {
            }
            for (Row row : Jdbc.queryList(c, "SELECT id, recipient, OCTET_LENGTH(payload) FROM inbox WHERE id IN ("
                    + marks(chunk.size()) + ")", r -> new Row(r.getLong(1), r.getString(2), r.getLong(3)),
                    chunk.toArray())) {
                if (row.recipient().equals(owners.get(row.id()))) {
                    doomed.add(row.id());
                    removed.add(new Removed(row.recipient(), row.bytes()));
                }
            }
        }
        if (!doomed.isEmpty()) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM inbox WHERE id = ?")) {
                for (long id : doomed) {
                    delete.setLong(1, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        }
        return removed;
    }

    static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }
}
