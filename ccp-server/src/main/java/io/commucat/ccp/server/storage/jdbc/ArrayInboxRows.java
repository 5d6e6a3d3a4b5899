package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Acknowledgement;
import io.commucat.ccp.server.storage.Envelope;
import io.commucat.ccp.server.storage.InboxUsage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * {@link InboxRows} on PostgreSQL: each step is one statement whose rows arrive as arrays
 * ({@code unnest}), so the database plans and executes it once per batch rather than once per
 * row, and the driver encodes a handful of binary arrays rather than a bind per row. Ids are
 * read back from {@code RETURNING} in insertion order, which for an {@code INSERT … SELECT} over
 * {@code unnest} is the arrays' order (pgjdbc's own rewritten batch inserts rely on the same for
 * their generated keys); {@link #insert} checks that they ascend and fails the transaction if not.
 */
final class ArrayInboxRows implements InboxRows {

    private static final String LOCK = "SELECT recipient, envelopes, bytes FROM inbox_usage"
            + " WHERE recipient = ANY (?::varchar[]) ORDER BY recipient FOR UPDATE";
    /** Microseconds since the epoch, exact for any instant the inbox stores (|µs| < 2^53). */
    private static final String FROM_MICROS = "TIMESTAMPTZ 'epoch' + %s * INTERVAL '1 microsecond'";
    private static final String INSERT = "INSERT INTO inbox (recipient, channel_id, frame_type, payload, sender,"
            + " queued_at, expires_at) SELECT r, ch, ft, p, s, " + FROM_MICROS.formatted("q") + ", "
            + FROM_MICROS.formatted("x") + " FROM unnest(?::varchar[], ?::bigint[], ?::smallint[], ?::bytea[],"
            + " ?::varchar[], ?::bigint[], ?::bigint[]) AS t(r, ch, ft, p, s, q, x) RETURNING id";
    private static final String STORE = "UPDATE inbox_usage u SET envelopes = v.e, bytes = v.b"
            + " FROM unnest(?::varchar[], ?::bigint[], ?::bigint[]) AS v(r, e, b) WHERE u.recipient = v.r";
    /**
     * The usage update rides along with the insert: a data-modifying {@code WITH} runs to
     * completion whether or not the insert reads it, and the insert stays the statement whose
     * {@code RETURNING} order is read. Nothing else touches the usage rows between (this
     * transaction holds their locks).
     */
    private static final String STORE_AND_INSERT = "WITH stored AS (" + STORE + ") " + INSERT;
    private static final String DELETE = "DELETE FROM inbox i USING unnest(?::bigint[], ?::varchar[]) AS a(id, r)"
            + " WHERE i.id = a.id AND i.recipient = a.r RETURNING i.recipient, OCTET_LENGTH(i.payload)";

    @Override
    public SortedMap<String, InboxUsage> lockUsage(Connection c, SortedSet<String> recipients, boolean create)
            throws SQLException {
        String[] names = recipients.toArray(String[]::new);
        SortedMap<String, InboxUsage> usage = lock(c, names);
        if (create && usage.size() < names.length) {
            // Making a row while holding other rows' locks could deadlock with a transaction that
            // is making one of ours and waits for one we hold. So, holding nothing yet (this is
            // the transaction's first statement), give the locks back, make the missing rows in
            // a transaction of their own, and lock every row again in order. Once per device.
            c.rollback();
            List<String> missing = new ArrayList<>();
            for (String name : names) {
                if (!usage.containsKey(name)) {
                    missing.add(name);
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO inbox_usage (recipient, envelopes, bytes)"
                    + " SELECT unnest(?::varchar[]), 0, 0 ON CONFLICT DO NOTHING")) {
                insert.setObject(1, missing.toArray(String[]::new));
                insert.executeUpdate();
            }
            c.commit();
            usage = lock(c, names);
        }
        for (String name : names) {
            usage.putIfAbsent(name, InboxUsage.EMPTY);
        }
        return usage;
    }

    private static SortedMap<String, InboxUsage> lock(Connection c, String[] names) throws SQLException {
        SortedMap<String, InboxUsage> usage = new TreeMap<>();
        try (PreparedStatement select = c.prepareStatement(LOCK)) {
            select.setObject(1, names);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    usage.put(rows.getString(1), new InboxUsage(rows.getLong(2), rows.getLong(3)));
                }
            }
        }
        return usage;
    }

    @Override
    public List<Envelope> insert(Connection c, List<Envelope> envelopes) throws SQLException {
        return insert(c, envelopes, null);
    }

    @Override
    public List<Envelope> insertAndStoreUsage(Connection c, List<Envelope> envelopes, Map<String, InboxUsage> before,
            SortedMap<String, InboxUsage> after) throws SQLException {
        UsageArrays changed = UsageArrays.changed(before, after);
        if (envelopes.isEmpty()) {
            store(c, changed);
            return List.of();
        }
        return insert(c, envelopes, changed);
    }

    /** Inserts, with {@code usage} stored by the same statement when it is not null and not empty. */
    private static List<Envelope> insert(Connection c, List<Envelope> envelopes, UsageArrays usage)
            throws SQLException {
        int n = envelopes.size();
        String[] recipients = new String[n];
        long[] channels = new long[n];
        short[] types = new short[n];
        byte[][] payloads = new byte[n][];
        String[] senders = new String[n];
        long[] queuedAt = new long[n];
        long[] expiresAt = new long[n];
        for (int i = 0; i < n; i++) {
            Envelope e = envelopes.get(i);
            recipients[i] = e.recipient();
            channels[i] = e.channelId();
            types[i] = (short) e.type().code();
            payloads[i] = e.sharedPayload();
            senders[i] = e.sender();
            queuedAt[i] = micros(e.queuedAt());
            expiresAt[i] = micros(e.expiresAt());
        }
        boolean storing = usage != null && !usage.isEmpty();
        List<Envelope> queued = new ArrayList<>(n);
        try (PreparedStatement insert = c.prepareStatement(storing ? STORE_AND_INSERT : INSERT)) {
            int p = 1;
            if (storing) {
                p = usage.bind(insert, p);
            }
            insert.setObject(p++, recipients);
            insert.setObject(p++, channels);
            insert.setObject(p++, types);
            insert.setObject(p++, payloads);
            insert.setObject(p++, senders);
            insert.setObject(p++, queuedAt);
            insert.setObject(p, expiresAt);
            try (ResultSet ids = insert.executeQuery()) {
                long previous = Long.MIN_VALUE;
                for (Envelope e : envelopes) {
                    if (!ids.next()) {
                        throw new SQLException("the database returned fewer ids than rows inserted");
                    }
                    long id = ids.getLong(1);
                    if (id <= previous) {
                        // The delivery cursor relies on one recipient's ids ascending in queue order.
                        throw new SQLException("the database returned inserted ids out of order");
                    }
                    previous = id;
                    queued.add(e.withId(id));
                }
            }
        }
        return queued;
    }

    @Override
    public void storeUsage(Connection c, Map<String, InboxUsage> before, SortedMap<String, InboxUsage> after)
            throws SQLException {
        store(c, UsageArrays.changed(before, after));
    }

    private static void store(Connection c, UsageArrays usage) throws SQLException {
        if (usage.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(STORE)) {
            usage.bind(update, 1);
            update.executeUpdate();
        }
    }

    /** The usage rows that changed, as the three arrays {@link #STORE} binds (never below zero). */
    private record UsageArrays(String[] recipients, long[] envelopes, long[] bytes) {

        static UsageArrays changed(Map<String, InboxUsage> before, SortedMap<String, InboxUsage> after) {
            List<String> names = new ArrayList<>();
            List<InboxUsage> values = new ArrayList<>();
            after.forEach((name, value) -> {
                if (!value.equals(before.get(name))) {
                    names.add(name);
                    values.add(value);
                }
            });
            long[] envelopes = new long[names.size()];
            long[] bytes = new long[names.size()];
            for (int i = 0; i < envelopes.length; i++) {
                envelopes[i] = Math.max(0, values.get(i).envelopes());
                bytes[i] = Math.max(0, values.get(i).bytes());
            }
            return new UsageArrays(names.toArray(String[]::new), envelopes, bytes);
        }

        boolean isEmpty() {
            return recipients.length == 0;
        }

        /** Binds the arrays from parameter {@code first} on; returns the next parameter's index. */
        int bind(PreparedStatement statement, int first) throws SQLException {
            statement.setObject(first, recipients);
            statement.setObject(first + 1, envelopes);
            statement.setObject(first + 2, bytes);
            return first + 3;
        }
    }

    @Override
    public List<Removed> deleteOwned(Connection c, Collection<Acknowledgement> acknowledgements) throws SQLException {
        Map<Long, String> owners = new LinkedHashMap<>();
        acknowledgements.forEach(ack -> owners.putIfAbsent(ack.envelopeId(), ack.recipient()));
        long[] ids = new long[owners.size()];
        String[] recipients = new String[owners.size()];
        int i = 0;
        for (Map.Entry<Long, String> owner : owners.entrySet()) {
            ids[i] = owner.getKey();
            recipients[i++] = owner.getValue();
        }
        List<Removed> removed = new ArrayList<>();
        try (PreparedStatement delete = c.prepareStatement(DELETE)) {
            delete.setObject(1, ids);
            delete.setObject(2, recipients);
            try (ResultSet rows = delete.executeQuery()) {
                while (rows.next()) {
                    removed.add(new Removed(rows.getString(1), rows.getLong(2)));
                }
            }
        }
        return removed;
    }

    /** Microseconds since the epoch, truncated as {@link Jdbc#stored} truncates. */
    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }
}
