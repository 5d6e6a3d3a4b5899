-- CCP storage schema, version 1: Directory, Sessions and Secrets.
-- One file for PostgreSQL and H2 (run in PostgreSQL mode): only types and statements both
-- understand. Per-vendor files go to db/migration/postgresql or db/migration/h2, and only where
-- the dialects truly differ. Later ports (pairing codes, channels, inbox) add their own versions.
--
-- Times are TIMESTAMP(6) WITH TIME ZONE, written in UTC and truncated to microseconds by the
-- adapters (both databases keep microseconds; the adapters truncate so neither rounds).

CREATE TABLE users (
    id           VARCHAR(255)  NOT NULL,
    handle       VARCHAR(255)  NOT NULL,
    display_name VARCHAR(1024),
    avatar_url   VARCHAR(4096),
    created_at   TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT users_pk PRIMARY KEY (id),
    CONSTRAINT users_handle_unique UNIQUE (handle)
);

CREATE TABLE devices (
    id         VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255) NOT NULL,
    public_key VARCHAR(128) NOT NULL,
    status     VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    name       VARCHAR(1024),
    last_seen  TIMESTAMP(6) WITH TIME ZONE,
    CONSTRAINT devices_pk PRIMARY KEY (id),
    CONSTRAINT devices_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT devices_status_check CHECK (status IN ('active', 'revoked'))
);
-- Counting a user's active devices (the registration limit) reads this index.
CREATE INDEX devices_user_status_idx ON devices (user_id, status);

CREATE TABLE device_key_events (
    id          VARCHAR(255) NOT NULL,
    device_id   VARCHAR(255) NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    public_key  VARCHAR(128) NOT NULL,
    occurred_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT device_key_events_pk PRIMARY KEY (id),
    CONSTRAINT device_key_events_device_fk FOREIGN KEY (device_id) REFERENCES devices (id),
    CONSTRAINT device_key_events_kind_check CHECK (kind IN ('register', 'rotate'))
);
CREATE INDEX device_key_events_device_idx ON device_key_events (device_id, occurred_at);

-- Certificate serials are unsigned 64-bit. They are stored as their unsigned decimal value in
-- NUMERIC(20) (not BIGINT's signed bit pattern), so SQL sorts and compares them correctly and
-- an operator reading the table sees the serial printed in the certificate.
CREATE SEQUENCE certificate_serial_seq START WITH 1 INCREMENT BY 1;

-- No foreign key to devices: a certificate is an audit record that may be written on either
-- side of the device row in the pairing flow, and must outlive any later device cleanup.
CREATE TABLE certificates (
    serial     NUMERIC(20, 0) NOT NULL,
    device_id  VARCHAR(255)   NOT NULL,
    user_id    VARCHAR(255)   NOT NULL,
    public_key VARCHAR(128)   NOT NULL,
    issued_at  TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT certificates_pk PRIMARY KEY (serial),
    CONSTRAINT certificates_serial_range CHECK (serial >= 0 AND serial <= 18446744073709551615)
);
CREATE INDEX certificates_device_idx ON certificates (device_id);

-- Only the hash of a session token is kept (rest.md, "Authentication"). No foreign keys: the
-- Sessions port stands alone, and a revoked device's sessions are deleted explicitly.
CREATE TABLE sessions (
    token_hash VARCHAR(255) NOT NULL,
    device_id  VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255) NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    node_id    VARCHAR(255),
    CONSTRAINT sessions_pk PRIMARY KEY (token_hash)
);
CREATE INDEX sessions_device_idx ON sessions (device_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Noise static key catalog; private keys as the Secrets port hands them over (sealed when an
-- at-rest key is configured).
CREATE TABLE noise_keys (
    version            INTEGER NOT NULL,
    public_key         BYTEA   NOT NULL,
    sealed_private_key BYTEA   NOT NULL,
    valid_after        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    rotates_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT noise_keys_pk PRIMARY KEY (version)
);

-- The device CA key: at most one row (id is always 1), so the primary key makes the first
-- writer win across nodes.
CREATE TABLE device_ca (
    id         SMALLINT NOT NULL,
    sealed_key BYTEA    NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT device_ca_pk PRIMARY KEY (id),
    CONSTRAINT device_ca_singleton CHECK (id = 1)
);
