package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.Channel;
import io.commucat.ccp.server.storage.ChannelLimits;
import io.commucat.ccp.server.storage.ChannelMember;
import io.commucat.ccp.server.storage.Channels;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Channels} on PostgreSQL or H2. A change locks the channel row ({@code FOR UPDATE}), so
 * concurrent Joins and Leaves of one channel apply one after the other on every node.
 * Thread-safe.
 */
public final class JdbcChannels implements Channels {

    private final Jdbc jdbc;

    JdbcChannels(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** IN lists go in chunks so one statement never carries an unbounded list. */
    private static final int CHUNK = 500;

    @Override
    public JoinOutcome join(long channelId, String deviceId, String userId, Set<String> listed, boolean relay,
            String groupId, Instant now, ChannelLimits limits) throws StorageException {
        try {
            return jdbc.inTransaction("join channel", c -> join(c, channelId, deviceId, userId, listed, relay, groupId,
                    now, limits));
        } catch (StorageException e) {
            if (e.kind() != StorageException.Kind.CONFLICT) {
                throw e;
            }
            // Another node created the channel between our look and our insert: now it exists,
            // and the second attempt takes the existing-channel path under its lock.
            return jdbc.inTransaction("join channel", c -> join(c, channelId, deviceId, userId, listed, relay, groupId,
                    now, limits));
        }
    }

    private static JoinOutcome join(Connection c, long channelId, String deviceId, String userId, Set<String> listed,
            boolean relay, String groupId, Instant now, ChannelLimits limits) throws SQLException {
        boolean exists = Jdbc.queryOne(c, "SELECT id FROM channels WHERE id = ? FOR UPDATE", row -> true, channelId)
                .isPresent();
        Set<String> present = new HashSet<>();
        if (exists) {
            present.addAll(Jdbc.queryList(c, "SELECT device_id FROM channel_members WHERE channel_id = ?",
                    row -> row.getString(1), channelId));
            if (!present.contains(deviceId)) {
                return JoinOutcome.NOT_MEMBER;
            }
        }
        // Checked before anything is written, so a refused Join changes nothing.
        List<String> newcomers = new ArrayList<>();
        if (!exists) {
            newcomers.add(deviceId);
        }
        for (String member : listed) {
            if (!present.contains(member) && !member.equals(deviceId)) {
                newcomers.add(member);
            }
        }
        if ((long) present.size() + newcomers.size() > limits.maxMembers()) {
            return JoinOutcome.CHANNEL_FULL;
        }
        if (anyAtChannelLimit(c, newcomers, limits.maxChannelsPerDevice())) {
            return JoinOutcome.TOO_MANY_CHANNELS;
        }
        JoinOutcome outcome;
        if (!exists) {
            Jdbc.update(c, "INSERT INTO channels (id, creator_device, creator_user, relay, group_id, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", channelId, deviceId, userId, relay, groupId, now);
            Jdbc.update(c, "INSERT INTO channel_members (channel_id, device_id, joined, added_at) VALUES (?, ?, TRUE, ?)",
                    channelId, deviceId, now);
            present.add(deviceId);
            outcome = JoinOutcome.CREATED;
        } else {
            Jdbc.update(c, "UPDATE channel_members SET joined = TRUE WHERE channel_id = ? AND device_id = ?", channelId,
                    deviceId);
            Jdbc.update(c, "UPDATE channels SET relay = ? WHERE id = ?", relay, channelId);
            outcome = JoinOutcome.JOINED;
        }
        List<String> added = new ArrayList<>();
        for (String member : listed) {
            if (present.add(member)) {
                added.add(member);
            }
        }
        if (!added.isEmpty()) {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO channel_members (channel_id, device_id, joined, added_at) VALUES (?, ?, FALSE, ?)")) {
                for (String member : added) {
                    insert.setLong(1, channelId);
                    insert.setString(2, member);
                    insert.setObject(3, Jdbc.timestamp(now));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        return outcome;
    }

    /** Whether one of {@code devices} is a member of {@code max} channels already (one indexed count each). */
    private static boolean anyAtChannelLimit(Connection c, List<String> devices, int max) throws SQLException {
        if (max == Integer.MAX_VALUE) {
            return false;
        }
        for (int from = 0; from < devices.size(); from += CHUNK) {
            List<String> chunk = devices.subList(from, Math.min(devices.size(), from + CHUNK));
            Object[] params = new Object[chunk.size() + 1];
            for (int i = 0; i < chunk.size(); i++) {
                params[i] = chunk.get(i);
            }
            params[chunk.size()] = max;
            if (Jdbc.queryOne(c, "SELECT device_id FROM channel_members WHERE device_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
                    + ") GROUP BY device_id HAVING COUNT(*) >= ?", row -> true, params).isPresent()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Set<String> unknownDevices(Set<String> deviceIds) throws StorageException {
        if (deviceIds.isEmpty()) {
            return Set.of();
        }
        List<String> all = new ArrayList<>(deviceIds);
        return jdbc.call("known devices", c -> {
            Set<String> unknown = new java.util.LinkedHashSet<>(deviceIds);
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                unknown.removeAll(Jdbc.queryList(c, "SELECT id FROM devices WHERE id IN ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")",
                        row -> row.getString(1), chunk.toArray()));
            }
            return unknown;
        });
    }

    @Override
    public boolean leave(long channelId, String deviceId) throws StorageException {
        return jdbc.inTransaction("leave channel", c -> {
            if (Jdbc.queryOne(c, "SELECT id FROM channels WHERE id = ? FOR UPDATE", row -> true, channelId).isEmpty()) {
                return false;
            }
            if (Jdbc.update(c, "DELETE FROM channel_members WHERE channel_id = ? AND device_id = ?", channelId,
                    deviceId) == 0) {
                return false;
            }
            boolean joinedLeft = Jdbc.queryOne(c,
                    "SELECT device_id FROM channel_members WHERE channel_id = ? AND joined = TRUE", row -> true,
                    channelId).isPresent();
            if (!joinedLeft) {
                Jdbc.update(c, "DELETE FROM channels WHERE id = ?", channelId);
            }
            return true;
        });
    }

    @Override
    public Optional<Channel> find(long channelId) throws StorageException {
        return jdbc.call("find channel", c -> find(c, channelId));
    }

    /** One round trip: the channel row joined with its members and their users. */
    private static Optional<Channel> find(Connection c, long channelId) throws SQLException {
        record Row(Channel head, ChannelMember member) {
        }
        List<Row> rows = Jdbc.queryList(c, "SELECT c.id, c.creator_device, c.creator_user, c.relay, c.group_id,"
                + " c.created_at, m.device_id, m.joined, d.user_id FROM channels c"
                + " LEFT JOIN channel_members m ON m.channel_id = c.id"
                + " LEFT JOIN devices d ON d.id = m.device_id WHERE c.id = ? ORDER BY m.device_id",
                row -> new Row(new Channel(row.getLong("id"), row.getString("creator_device"),
                        row.getString("creator_user"), row.getBoolean("relay"), row.getString("group_id"),
                        Jdbc.instant(row, "created_at"), List.of()),
                        row.getString("device_id") == null ? null : member(row)),
                channelId);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Channel h = rows.get(0).head();
        List<ChannelMember> members = new ArrayList<>(rows.size());
        rows.forEach(r -> {
            if (r.member() != null) {
                members.add(r.member());
            }
        });
        return Optional.of(new Channel(h.id(), h.creatorDevice(), h.creatorUser(), h.relay(), h.groupId(),
                h.createdAt(), members));
    }

    @Override
    public Optional<List<String>> recipients(long channelId, String senderDeviceId) throws StorageException {
        Optional<Channel> channel = find(channelId);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        Channel ch = channel.get();
        boolean senderActive = false;
        List<String> others = new ArrayList<>();
        for (ChannelMember member : ch.members()) {
            if (!Channels.active(ch, member)) {
                continue;
            }
            if (member.deviceId().equals(senderDeviceId)) {
                senderActive = true;
            } else {
                others.add(member.deviceId());
            }
        }
        return senderActive ? Optional.of(List.copyOf(others)) : Optional.empty();
    }

    @Override
    public Set<String> peers(String deviceId) throws StorageException {
        record Row(long channel, String creatorUser, ChannelMember member) {
        }
        List<Row> rows = jdbc.call("channel peers", c -> Jdbc.queryList(c,
                "SELECT c.id, c.creator_user, m.device_id, m.joined, d.user_id FROM channel_members mine"
                        + " JOIN channels c ON c.id = mine.channel_id"
                        + " JOIN channel_members m ON m.channel_id = c.id"
                        + " LEFT JOIN devices d ON d.id = m.device_id WHERE mine.device_id = ?",
                row -> new Row(row.getLong(1), row.getString(2), member(row)), deviceId));
        Map<Long, List<Row>> byChannel = new LinkedHashMap<>();
        rows.forEach(r -> byChannel.computeIfAbsent(r.channel(), k -> new ArrayList<>()).add(r));
        Set<String> peers = new java.util.TreeSet<>();
        for (List<Row> channel : byChannel.values()) {
            String creatorUser = channel.get(0).creatorUser();
            List<String> active = new ArrayList<>();
            for (Row r : channel) {
                if (r.member().joined() || creatorUser.equals(r.member().userId())) {
                    active.add(r.member().deviceId());
                }
            }
            if (active.remove(deviceId)) {
                peers.addAll(active);
            }
        }
        return peers;
    }

    private static ChannelMember member(ResultSet row) throws SQLException {
        return new ChannelMember(row.getString("device_id"), row.getBoolean("joined"), row.getString("user_id"));
    }
}
