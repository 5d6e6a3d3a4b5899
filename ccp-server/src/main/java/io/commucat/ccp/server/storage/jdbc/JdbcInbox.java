package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.proto.FrameType;
import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.Inbox;
import io.commucat.ccp.server.storage.InboxPage;
import io.commucat.ccp.server.storage.InboxQuota;
import io.commucat.ccp.server.storage.InboxUsage;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link Inbox} on PostgreSQL or H2. An enqueue is one transaction with one batched INSERT, so
 * a caller that gathers many frames pays one commit for all of them (group commit).
 *
 * <p>Usage ({@code inbox_usage}, one row per device) changes in the same transaction as the
 * envelopes. Every transaction that changes a device's envelopes first locks that device's
 * usage row ({@code SELECT … FOR UPDATE}), all of them in recipient order, so concurrent
 * writers, acknowledgements and purges, on any node, apply one after the other per device and
 * never deadlock; with the lock held, reading what will be deleted and then deleting it is
 * exact. Thread-safe.
 */
public final class JdbcInbox implements Inbox {

    private static final String COLUMNS = "id, recipient, channel_id, frame_type, payload, sender, queued_at, expires_at";
    /** IN lists go in chunks so one statement never carries an unbounded list. */
    private static final int CHUNK = 500;

    private final Jdbc jdbc;

    JdbcInbox(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    @Override
    public List<Admission> enqueue(List<List<Envelope>> frames, InboxQuota quota) throws StorageException {
        SortedSet<String> recipients = new TreeSet<>();
        frames.forEach(frame -> frame.forEach(e -> recipients.add(e.recipient())));
        if (recipients.isEmpty()) {
            return Collections.nCopies(frames.size(), Admission.queued(List.of()));
        }
        return jdbc.inTransaction("enqueue envelopes", c -> {
            ensureUsageRows(c, recipients);
            SortedMap<String, InboxUsage> usage = lockUsage(c, recipients);
            SortedMap<String, InboxUsage> before = new TreeMap<>(usage);
            List<Admission> refusals = new ArrayList<>(frames.size());
            List<Envelope> admitted = new ArrayList<>();
            for (List<Envelope> frame : frames) {
                Admission refusal = admit(frame, quota, usage);
                refusals.add(refusal);
                if (refusal == null) {
                    admitted.addAll(frame);
                }
            }
            List<Envelope> queued = insert(c, admitted);
            storeUsage(c, before, usage);
            List<Admission> admissions = new ArrayList<>(frames.size());
            int next = 0;
            for (int i = 0; i < frames.size(); i++) {
                if (refusals.get(i) != null) {
                    admissions.add(refusals.get(i));
                } else {
                    int size = frames.get(i).size();
                    admissions.add(Admission.queued(queued.subList(next, next + size)));
                    next += size;
                }
            }
            return admissions;
        });
    }

    /** Counts the frame into {@code usage} and returns null, or refuses it and leaves {@code usage} alone. */
    private static Admission admit(List<Envelope> frame, InboxQuota quota, Map<String, InboxUsage> usage) {
        Map<String, InboxUsage> trial = new HashMap<>();
        for (Envelope e : frame) {
            InboxUsage current = trial.getOrDefault(e.recipient(), usage.getOrDefault(e.recipient(), InboxUsage.EMPTY));
            if (!quota.admits(current, e.payloadLength())) {
                return Admission.refused(e.recipient(), current);
            }
            trial.put(e.recipient(), current.plus(1, e.payloadLength()));
        }
        usage.putAll(trial);
        return null;
    }

    private static List<Envelope> insert(Connection c, List<Envelope> envelopes) throws SQLException {
        if (envelopes.isEmpty()) {
            return List.of();
        }
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

    /**
     * Makes sure every recipient has a usage row, in recipient order. An existing row is neither
     * changed nor locked here; a row another transaction is inserting is waited for.
     */
    private static void ensureUsageRows(Connection c, SortedSet<String> recipients) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO inbox_usage (recipient, envelopes, bytes) VALUES (?, 0, 0) ON CONFLICT DO NOTHING")) {
            for (String recipient : recipients) {
                insert.setString(1, recipient);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Locks the recipients' usage rows in recipient order and reads them (absent rows read as empty). */
    private static SortedMap<String, InboxUsage> lockUsage(Connection c, SortedSet<String> recipients)
            throws SQLException {
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

    /** Writes the rows that changed (already locked by this transaction). */
    private static void storeUsage(Connection c, Map<String, InboxUsage> before, SortedMap<String, InboxUsage> after)
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
    public InboxUsage usage(String recipient) throws StorageException {
        return jdbc.call("inbox usage", c -> Jdbc.queryOne(c,
                "SELECT envelopes, bytes FROM inbox_usage WHERE recipient = ?",
                r -> new InboxUsage(r.getLong(1), r.getLong(2)), recipient).orElse(InboxUsage.EMPTY));
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
        List<Acknowledgement> acks = new ArrayList<>(ids.size());
        ids.forEach(id -> acks.add(new Acknowledgement(recipient, id)));
        return acknowledgeAll(acks);
    }

    @Override
    public int acknowledgeAll(Collection<Acknowledgement> acknowledgements) throws StorageException {
        if (acknowledgements.isEmpty()) {
            return 0;
        }
        SortedSet<String> recipients = new TreeSet<>();
        Map<Long, String> owners = new HashMap<>();
        for (Acknowledgement ack : acknowledgements) {
            recipients.add(ack.recipient());
            owners.putIfAbsent(ack.envelopeId(), ack.recipient());
        }
        return jdbc.inTransaction("acknowledge envelopes", c -> {
            SortedMap<String, InboxUsage> usage = lockUsage(c, recipients);
            SortedMap<String, InboxUsage> before = new TreeMap<>(usage);
            // Under the locks nobody else deletes these devices' envelopes: what is read is what goes.
            List<Long> ids = new ArrayList<>(owners.keySet());
            List<Long> doomed = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                record Row(long id, String recipient, long bytes) {
                }
                for (Row row : Jdbc.queryList(c, "SELECT id, recipient, OCTET_LENGTH(payload) FROM inbox WHERE id IN ("
                        + marks(chunk.size()) + ")", r -> new Row(r.getLong(1), r.getString(2), r.getLong(3)),
                        chunk.toArray())) {
                    // Only the owner's acknowledgement deletes an envelope.
                    if (row.recipient().equals(owners.get(row.id()))) {
                        doomed.add(row.id());
                        usage.merge(row.recipient(), new InboxUsage(1, row.bytes()), JdbcInbox::minus);
                    }
                }
            }
            delete(c, doomed);
            storeUsage(c, before, usage);
            return doomed.size();
        });
    }

    @Override
    public int purgeExpired(Instant now) throws StorageException {
        List<String> recipients = jdbc.call("expired recipients", c -> Jdbc.queryList(c,
                "SELECT DISTINCT recipient FROM inbox WHERE expires_at <= ? ORDER BY recipient",
                r -> r.getString(1), now));
        int purged = 0;
        // One transaction per chunk of devices: locks are held briefly and in recipient order.
        for (int from = 0; from < recipients.size(); from += CHUNK) {
            SortedSet<String> chunk = new TreeSet<>(recipients.subList(from, Math.min(recipients.size(), from + CHUNK)));
            purged += jdbc.inTransaction("purge expired envelopes", c -> purge(c, chunk, now));
        }
        return purged;
    }

    private static int purge(Connection c, SortedSet<String> recipients, Instant now) throws SQLException {
        SortedMap<String, InboxUsage> usage = lockUsage(c, recipients);
        SortedMap<String, InboxUsage> before = new TreeMap<>(usage);
        Object[] params = new Object[recipients.size() + 1];
        params[0] = now;
        int i = 1;
        for (String recipient : recipients) {
            params[i++] = recipient;
        }
        String where = " FROM inbox WHERE expires_at <= ? AND recipient IN (" + marks(recipients.size()) + ")";
        int expired = 0;
        for (InboxUsage.Row row : Jdbc.queryList(c, "SELECT recipient, COUNT(*), COALESCE(SUM(OCTET_LENGTH(payload)), 0)"
                + where + " GROUP BY recipient", r -> new InboxUsage.Row(r.getString(1),
                        new InboxUsage(r.getLong(2), r.getLong(3))), params)) {
            usage.merge(row.recipient(), row.usage(), JdbcInbox::minus);
            expired += (int) row.usage().envelopes();
        }
        int deleted = Jdbc.update(c, "DELETE" + where, params);
        if (deleted != expired) {
            // Cannot happen while every writer takes the usage locks; refuse to write wrong usage.
            throw new SQLException("purge counted " + expired + " expired envelopes but deleted " + deleted);
        }
        storeUsage(c, before, usage);
        return deleted;
    }

    private static void delete(Connection c, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM inbox WHERE id = ?")) {
            for (long id : ids) {
                delete.setLong(1, id);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    private static InboxUsage minus(InboxUsage usage, InboxUsage removed) {
        return new InboxUsage(usage.envelopes() - removed.envelopes(), usage.bytes() - removed.bytes());
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
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
