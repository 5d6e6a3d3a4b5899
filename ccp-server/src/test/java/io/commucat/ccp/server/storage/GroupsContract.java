package io.commucat.ccp.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link Groups} must do. Implementations provide groups over an empty store. */
public interface GroupsContract {

    Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

    Groups groups();

    static String group() {
        return "group-" + UUID.randomUUID();
    }

    @Test
    default void aCreatedGroupListsItsMembersByDeviceId() throws Exception {
        String id = group();
        List<GroupMember> members = List.of(new GroupMember(id, "b-phone", GroupRole.MEMBER, T0),
                new GroupMember(id, "a-phone", GroupRole.OWNER, T0));

        groups().create(id, "a-phone", T0, members);

        assertEquals(List.of(members.get(1), members.get(0)), groups().members(id));
    }

    @Test
    default void anUnknownGroupHasNoMembers() throws Exception {
        assertEquals(List.of(), groups().members(group()));
    }

    @Test
    default void creatingAnExistingGroupIsAConflictAndChangesNothing() throws Exception {
        String id = group();
        groups().create(id, "a-phone", T0, List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0)));

        StorageException e = assertThrows(StorageException.class, () -> groups().create(id, "m-phone", T0,
                List.of(new GroupMember(id, "m-phone", GroupRole.OWNER, T0))));

        assertEquals(StorageException.Kind.CONFLICT, e.kind());
        assertEquals(List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0)), groups().members(id));
    }

    @Test
    default void anAddedMemberIsListed() throws Exception {
        String id = group();
        groups().create(id, "a-phone", T0, List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0)));

        groups().addMember(new GroupMember(id, "c-phone", GroupRole.ADMIN, T0));

        assertEquals(List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0),
                new GroupMember(id, "c-phone", GroupRole.ADMIN, T0)), groups().members(id));
    }

    @Test
    default void addingAnExistingMemberChangesItsRoleButNeverTheOwners() throws Exception {
        String id = group();
        groups().create(id, "a-phone", T0, List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0),
                new GroupMember(id, "b-phone", GroupRole.MEMBER, T0)));

        groups().addMember(new GroupMember(id, "b-phone", GroupRole.ADMIN, T0.plusSeconds(1)));
        groups().addMember(new GroupMember(id, "a-phone", GroupRole.MEMBER, T0.plusSeconds(1)));

        assertEquals(List.of(new GroupMember(id, "a-phone", GroupRole.OWNER, T0),
                new GroupMember(id, "b-phone", GroupRole.ADMIN, T0)), groups().members(id));
    }
}
