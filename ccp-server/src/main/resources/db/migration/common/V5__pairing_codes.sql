-- CCP storage schema, version 5: pairing codes (rest.md "POST /api/pair", "POST /api/pair/claim",
-- "POST /api/admin/enroll").
--
-- Only the SHA-256 of the normalised code is kept (64 hex digits), never the code: a database
-- dump shows no code in clear. A code is live while it is unredeemed, unexpired and has fewer
-- than 5 failed attempts; redeeming is one conditional UPDATE, so of two racing claims exactly
-- one changes the row.
--
-- user_id references users: issuing locks the user's row to count the live codes, so racing
-- issues cannot pass the per-user cap. issuer_device_id (null for an admin enrolment) and
-- redeemed_device_id are not foreign keys: the redeeming device is registered after the code is
-- redeemed, and a code is an audit trail that outlives any device cleanup.

CREATE TABLE pairing_codes (
    code_hash          VARCHAR(64)  NOT NULL,
    user_id            VARCHAR(255) NOT NULL,
    issuer_device_id   VARCHAR(255),
    issued_at          TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    failed_attempts    INTEGER      NOT NULL DEFAULT 0,
    redeemed_at        TIMESTAMP(6) WITH TIME ZONE,
    redeemed_device_id VARCHAR(255),
    CONSTRAINT pairing_codes_pk PRIMARY KEY (code_hash),
    CONSTRAINT pairing_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT pairing_codes_attempts_check CHECK (failed_attempts >= 0),
    CONSTRAINT pairing_codes_redeemed_check CHECK ((redeemed_at IS NULL) = (redeemed_device_id IS NULL))
);
-- Counting a user's live codes (the cap) and the maintenance purge read these.
CREATE INDEX pairing_codes_user_idx ON pairing_codes (user_id, expires_at);
CREATE INDEX pairing_codes_expires_idx ON pairing_codes (expires_at);
