-- The last skip of each meeting (private, filtered out) and its reason's fingerprint:
-- a meeting re-read and skipped again for the same reason costs no log record (S7).
CREATE TABLE skip_marks (
    connection_id INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id  TEXT NOT NULL,
    fingerprint   INTEGER NOT NULL,
    PRIMARY KEY (connection_id, gong_call_id)
);
