-- Stored meetings (M1): every call a job fetched, as the normalized meeting the rules
-- read (postcard-encoded `Meeting`), so outcomes are re-evaluated locally (M2).
CREATE TABLE stored_meetings (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id   TEXT NOT NULL,
    started        TEXT NOT NULL,
    fingerprint    BIGINT NOT NULL,
    fetched_at     TEXT NOT NULL,
    body           BYTEA NOT NULL,
    PRIMARY KEY (connection_id, gong_call_id)
);
-- Keyset pages in (start, call id) order, and pruning by start.
CREATE INDEX stored_meetings_started ON stored_meetings(connection_id, started, gong_call_id);

-- Fenced writes (M4): every job gets the next generation of its connection; a page
-- commit or finish checks owner + generation in its own transaction.
ALTER TABLE jobs ADD COLUMN lease_generation BIGINT NOT NULL DEFAULT 0;

-- Exact resume (M4) and the fingerprint of the settings last evaluated against (M2).
ALTER TABLE checkpoints ADD COLUMN resume TEXT;
ALTER TABLE checkpoints ADD COLUMN evaluated_settings BIGINT;
