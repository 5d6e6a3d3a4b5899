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
 * {@link Inbox} on PostgreSQL or H2. An enqueue is one transaction with one INSERT of all its
 * rows, so a caller that gathers many frames pays one commit for all of them (group commit); how
 * the rows travel is the {@link InboxRows}' business (arrays on PostgreSQL, a batch elsewhere).
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
    /** Devices per purge transaction: locks are held briefly. */
    private static final int CHUNK = BatchedInboxRows.CHUNK;

    private final Jdbc jdbc;
    private final InboxRows rows;

    JdbcInbox(Jdbc jdbc, InboxRows rows) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public Written write(List<List<Envelope>> frames, InboxQuota quota, Collection<Acknowledgement> acknowledgements)
            throws StorageException {
        SortedSet<String> recipients = new TreeSet<>();
        frames.forEach(frame -> frame.forEach(e -> recipients.add(e.recipient())));
        boolean inserts = !recipients.isEmpty();
        acknowledgements.forEach(ack -> recipients.add(ack.recipient()));
        if (recipients.isEmpty()) {
            return new Written(Collections.nCopies(frames.size(), Admission.queued(List.of())), 0);
        }
        return jdbc.inTransaction(inserts ? "enqueue envelopes" : "acknowledge envelopes", c -> {
            // Usage rows are made only when envelopes are queued (a device that acknowledges has one).
            SortedMap<String, InboxUsage> usage = rows.lockUsage(c, recipients, inserts);
            SortedMap<String, InboxUsage> before = new TreeMap<>(usage);
            int deleted = 0;
            if (!acknowledgements.isEmpty()) {
                // Under the locks nobody else deletes these devices' envelopes: what goes is counted exactly.
                for (InboxRows.Removed envelope : rows.deleteOwned(c, acknowledgements)) {
                    usage.merge(envelope.recipient(), new InboxUsage(1, envelope.bytes()), JdbcInbox::minus);
                    deleted++;
                }
            }
            List<Admission> refusals = new ArrayList<>(frames.size());
            List<Envelope> admitted = new ArrayList<>();
            for (List<Envelope> frame : frames) {
                Admission refusal = admit(frame, quota, usage);
                refusals.add(refusal);
                if (refusal == null) {
                    admitted.addAll(frame);
                }
            }
            List<Envelope> queued = rows.insertAndStoreUsage(c, admitted, before, usage);
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
            return new Written(admissions, deleted);
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

    private int purge(Connection c, SortedSet<String> recipients, Instant now) throws SQLException {
        SortedMap<String, InboxUsage> usage = rows.lockUsage(c, recipients, false);
        SortedMap<String, InboxUsage> before = new TreeMap<>(usage);
        Object[] params = new Object[recipients.size() + 1];
        params[0] = now;
        int i = 1;
        for (String recipient : recipients) {
            params[i++] = recipient;
        }
        String where = " FROM inbox WHERE expires_at <= ? AND recipient IN (" + BatchedInboxRows.marks(recipients.size()) + ")";
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
        rows.storeUsage(c, before, usage);
        return deleted;
    }

    private static InboxUsage minus(InboxUsage usage, InboxUsage removed) {
        return new InboxUsage(usage.envelopes() - removed.envelopes(), usage.bytes() - removed.bytes());
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
