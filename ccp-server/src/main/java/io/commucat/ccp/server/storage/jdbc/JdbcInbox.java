package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.InboxPage;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Inbox} on PostgreSQL or H2. An enqueue is one transaction with one batched INSERT, so
 * a caller that gathers many frames pays one commit for all of them (group commit).
 * Thread-safe.
 */
public final class JdbcInbox implements Inbox {

    private static final String COLUMNS = "id, recipient, channel_id, frame_type, payload, sender, queued_at, expires_at";
    /** Deletes go in chunks so one statement never carries an unbounded IN list. */
    private static final int DELETE_CHUNK = 500;

    private final Jdbc jdbc;

    JdbcInbox(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    @Override
    public List<Envelope> enqueue(List<Envelope> envelopes) throws StorageException {
        if (envelopes.isEmpty()) {
            return List.of();
        }
        return jdbc.inTransaction("enqueue envelopes", c -> {
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
        });
    }

    @Override
    public InboxPage pending(String recipient, long afterId, Instant now, int limit, long maxBytes)
            throws StorageException {
        int rows = Math.max(0, limit);
        // One read of at most limit + 1 rows: the running sum of payload sizes before each row
        // decides in the database whether its payload comes along, so a device behind a large
        // backlog never makes the node load more than its reader has room for; the rows past
        // the budget (or the limit) come without payload and only say that more is queued.
        List<Optional<Envelope>> read = jdbc.call("pending envelopes", c -> Jdbc.queryList(c,
                "SELECT id, recipient, channel_id, frame_type, sender, queued_at, expires_at,"
                        + " CASE WHEN before_bytes IS NULL OR before_bytes + OCTET_LENGTH(payload) <= ? THEN payload END"
                        + " AS payload"
                        + " FROM (SELECT " + COLUMNS + ", SUM(OCTET_LENGTH(payload)) OVER (ORDER BY id"
                        + " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before_bytes FROM inbox"
                        + " WHERE recipient = ? AND id > ? AND expires_at > ? ORDER BY id LIMIT " + (rows + 1)
                        + ") queued ORDER BY id",
                row -> {
                    byte[] payload = row.getBytes("payload");
                    return payload == null ? Optional.empty() : Optional.of(envelope(row, payload));
                },
                Math.max(1, maxBytes), recipient, afterId, now));
        List<Envelope> envelopes = new ArrayList<>(Math.min(rows, read.size()));
        for (Optional<Envelope> envelope : read) {
            if (envelope.isEmpty() || envelopes.size() == rows) {
                return new InboxPage(envelopes, true);
            }
            envelopes.add(envelope.get());
        }
        return new InboxPage(envelopes, false);
    }

    @Override
    public int acknowledge(String recipient, Collection<Long> ids) throws StorageException {
        if (ids.isEmpty()) {
            return 0;
        }
        List<Long> all = List.copyOf(ids);
        return jdbc.call("acknowledge envelopes", c -> {
            int deleted = 0;
            for (int from = 0; from < all.size(); from += DELETE_CHUNK) {
                List<Long> chunk = all.subList(from, Math.min(all.size(), from + DELETE_CHUNK));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                Object[] params = new Object[chunk.size() + 1];
                params[0] = recipient;
                for (int i = 0; i < chunk.size(); i++) {
                    params[i + 1] = chunk.get(i);
                }
                deleted += Jdbc.update(c, "DELETE FROM inbox WHERE recipient = ? AND id IN (" + marks + ")", params);
            }
            return deleted;
        });
    }

    @Override
    public int acknowledgeAll(Collection<Acknowledgement> acknowledgements) throws StorageException {
        if (acknowledgements.isEmpty()) {
            return 0;
        }
        return jdbc.inTransaction("acknowledge envelopes", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM inbox WHERE id = ? AND recipient = ?")) {
                for (Acknowledgement ack : acknowledgements) {
                    delete.setLong(1, ack.envelopeId());
                    delete.setString(2, ack.recipient());
                    delete.addBatch();
                }
                int deleted = 0;
                for (int count : delete.executeBatch()) {
                    // A driver may answer SUCCESS_NO_INFO (-2) for a batched statement: count it as one.
                    deleted += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
                }
                return deleted;
            }
        });
    }

    @Override
    public int purgeExpired(Instant now) throws StorageException {
        return jdbc.call("purge expired envelopes", c -> Jdbc.update(c, "DELETE FROM inbox WHERE expires_at <= ?", now));
    }

    private static Envelope envelope(ResultSet row, byte[] payload) throws SQLException {
        FrameType type = FrameType.fromCode(row.getShort("frame_type"));
        if (type == null) {
            throw new SQLException("inbox row " + row.getLong("id") + " has an unknown frame type");
        }
        return new Envelope(row.getLong("id"), row.getString("recipient"), row.getLong("channel_id"), type,
                payload, row.getString("sender"), Jdbc.instant(row, "queued_at"),
                Jdbc.instant(row, "expires_at"));
    }
}
