-- CCP storage schema, version 3: Groups (GroupCreate, GroupInvite, Join with group_id).

CREATE TABLE chat_groups (
    id           VARCHAR(255) NOT NULL,
    owner_device VARCHAR(255) NOT NULL,
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT chat_groups_pk PRIMARY KEY (id)
);

CREATE TABLE group_members (
    group_id  VARCHAR(255) NOT NULL,
    device_id VARCHAR(255) NOT NULL,
    role      VARCHAR(16)  NOT NULL,
    joined_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT group_members_pk PRIMARY KEY (group_id, device_id),
    CONSTRAINT group_members_group_fk FOREIGN KEY (group_id) REFERENCES chat_groups (id) ON DELETE CASCADE,
    CONSTRAINT group_members_role_check CHECK (role IN ('owner', 'admin', 'member'))
);
