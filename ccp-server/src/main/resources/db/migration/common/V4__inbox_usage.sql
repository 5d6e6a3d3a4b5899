-- CCP storage schema, version 4: per-device inbox usage, for the inbox quota
-- ([security.quota] inbox_max_envelopes / inbox_max_bytes).
--
-- One row per device that ever had an envelope queued, kept by the inbox adapter in the same
-- transaction as every insert and delete of that device's envelopes, so checking a quota reads
-- one row instead of counting the inbox. The row is also the lock that serialises changes to
-- one device's envelopes across writers and nodes (taken in recipient order: no deadlock).

CREATE TABLE inbox_usage (
    recipient VARCHAR(255) NOT NULL,
    envelopes BIGINT       NOT NULL,
    bytes     BIGINT       NOT NULL,
    CONSTRAINT inbox_usage_pk PRIMARY KEY (recipient),
    CONSTRAINT inbox_usage_non_negative CHECK (envelopes >= 0 AND bytes >= 0)
);

-- What is queued already counts.
INSERT INTO inbox_usage (recipient, envelopes, bytes)
    SELECT recipient, COUNT(*), COALESCE(SUM(OCTET_LENGTH(payload)), 0) FROM inbox GROUP BY recipient;
