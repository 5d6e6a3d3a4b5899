-- CCP storage schema, version 6: Contacts (rest.md "Contacts: /api/friends").

-- A user's friends list, one row per entry; list_index keeps the order the user gave (0, 1, ...).
-- No foreign key on friend_id: the list is the owner's own address book and may name an id the
-- server does not know (as in the original). The owner's users row is locked while a list
-- changes, which serialises replacing, removing and accepting for one owner.
CREATE TABLE friends (
    owner_id   VARCHAR(255)  NOT NULL,
    friend_id  VARCHAR(255)  NOT NULL,
    list_index INTEGER       NOT NULL,
    alias      VARCHAR(1024),
    CONSTRAINT friends_pk PRIMARY KEY (owner_id, friend_id),
    CONSTRAINT friends_index_unique UNIQUE (owner_id, list_index),
    CONSTRAINT friends_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id)
);

-- At most one request per ordered pair (the unique constraint): a new request replaces an
-- accepted or rejected one, and a second pending one is refused. No foreign keys to users: the
-- caller resolves both users first (users are never deleted), and a key check here would take
-- share locks on users rows that list changes lock for update, in an order nobody controls.
CREATE TABLE friend_requests (
    id           VARCHAR(255)  NOT NULL,
    from_user_id VARCHAR(255)  NOT NULL,
    to_user_id   VARCHAR(255)  NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    message      VARCHAR(1024),
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT friend_requests_pk PRIMARY KEY (id),
    CONSTRAINT friend_requests_pair_unique UNIQUE (from_user_id, to_user_id),
    CONSTRAINT friend_requests_status_check CHECK (status IN ('pending', 'accepted', 'rejected'))
);
-- Incoming requests of a user (the pair constraint's index serves the outgoing ones).
CREATE INDEX friend_requests_to_idx ON friend_requests (to_user_id, status);
