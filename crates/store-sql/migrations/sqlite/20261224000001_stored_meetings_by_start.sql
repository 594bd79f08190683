-- Stored meetings clustered by (connection, start, call id): a re-evaluation reads
-- them in that order (keyset pages), so a page is now contiguous rows instead of one
-- random primary-key lookup per meeting. The call id stays unique per connection:
-- the page upsert conflicts on it.
CREATE TABLE stored_meetings_by_start (
    connection_id  INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id   TEXT NOT NULL,
    started        TEXT NOT NULL,
    fingerprint    INTEGER NOT NULL,
    fetched_at     TEXT NOT NULL,
    body           BLOB NOT NULL,
    PRIMARY KEY (connection_id, started, gong_call_id)
) WITHOUT ROWID;
INSERT INTO stored_meetings_by_start
    SELECT connection_id, gong_call_id, started, fingerprint, fetched_at, body
    FROM stored_meetings;
DROP TABLE stored_meetings;
ALTER TABLE stored_meetings_by_start RENAME TO stored_meetings;
CREATE UNIQUE INDEX stored_meetings_call ON stored_meetings(connection_id, gong_call_id);
