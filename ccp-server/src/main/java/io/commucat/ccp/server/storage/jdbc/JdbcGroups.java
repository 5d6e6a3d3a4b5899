package io.commucat.ccp.server.storage.jdbc;

import io.commucat.ccp.server.storage.GroupMember;
import io.commucat.ccp.server.storage.GroupRole;
import io.commucat.ccp.server.storage.Groups;
import io.commucat.ccp.server.storage.StorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@link Groups} on PostgreSQL or H2. Thread-safe. */
public final class JdbcGroups implements Groups {

    private final Jdbc jdbc;

    JdbcGroups(Jdbc jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    @Override
    public void create(String groupId, String ownerDevice, Instant createdAt, List<GroupMember> members)
            throws StorageException {
        jdbc.inTransaction("create group", c -> {
            Jdbc.update(c, "INSERT INTO chat_groups (id, owner_device, created_at) VALUES (?, ?, ?)", groupId,
                    ownerDevice, createdAt);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO group_members (group_id, device_id, role, joined_at) VALUES (?, ?, ?, ?)")) {
                for (GroupMember member : members) {
                    insert.setString(1, groupId);
                    insert.setString(2, member.deviceId());
                    insert.setString(3, member.role().label());
                    insert.setObject(4, Jdbc.timestamp(member.joinedAt()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public List<GroupMember> members(String groupId) throws StorageException {
        return jdbc.call("group members", c -> Jdbc.queryList(c,
                "SELECT group_id, device_id, role, joined_at FROM group_members WHERE group_id = ? ORDER BY device_id",
                JdbcGroups::member, groupId));
    }

    @Override
    public void addMember(GroupMember member) throws StorageException {
        jdbc.inTransaction("add group member", c -> {
            int changed = Jdbc.update(c, "UPDATE group_members SET role = ? WHERE group_id = ? AND device_id = ?"
                    + " AND role <> 'owner'", member.role().label(), member.groupId(), member.deviceId());
            boolean present = changed > 0 || Jdbc.queryOne(c,
                    "SELECT device_id FROM group_members WHERE group_id = ? AND device_id = ?", row -> true,
                    member.groupId(), member.deviceId()).isPresent();
            if (!present) {
                Jdbc.update(c, "INSERT INTO group_members (group_id, device_id, role, joined_at) VALUES (?, ?, ?, ?)",
                        member.groupId(), member.deviceId(), member.role().label(), member.joinedAt());
            }
            return null;
        });
    }

    private static GroupMember member(ResultSet row) throws SQLException {
        String label = row.getString("role");
        GroupRole role = GroupRole.fromLabel(label)
                .orElseThrow(() -> new SQLException("group member has an unknown role " + label));
        return new GroupMember(row.getString("group_id"), row.getString("device_id"), role,
                Jdbc.instant(row, "joined_at"));
    }
}
