package io.commucat.ccp.server.storage;

import java.time.Instant;
import java.util.List;

/**
 * Stored groups (GroupCreate, GroupInvite, Join with {@code group_id}; ccp-1.md §4.2, §4.4).
 * Blocking, thread-safe.
 */
public interface Groups {

    /**
     * Creates a group with its members (the owner among them), in one transaction.
     *
     * @throws StorageException {@link StorageException.Kind#CONFLICT} when the id exists
     */
    void create(String groupId, String ownerDevice, Instant createdAt, List<GroupMember> members)
            throws StorageException;

    /** The group's members ordered by device id; empty when the group does not exist. */
    List<GroupMember> members(String groupId) throws StorageException;

    /** Adds a member, or changes an existing member's role (never the owner's). */
    void addMember(GroupMember member) throws StorageException;
}
