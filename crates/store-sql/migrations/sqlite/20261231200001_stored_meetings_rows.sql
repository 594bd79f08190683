-- Stored meetings become an ordinary (rowid) table again, with both keys as indexes.
-- Since Gong's AI content (#23) a stored meeting's row is about 1.1–1.6 KB, and a
-- WITHOUT ROWID table keeps at most ~1,000 bytes of a row in its page (SQLite's limit
-- for index-shaped b-trees with 4 KB pages): the rest went to an overflow page of its
-- own, so every meeting cost a 4 KB page mostly empty (64 % unused, measured) and a
-- sync wrote three times the pages. A rowid table keeps rows up to ~4 KB in place.
-- Rows are appended in the order jobs fetch them (by start), and re-copied here in
-- (connection, start, call id) order, so a re-evaluation's keyset page still reads
-- neighbouring rows.
CREATE TABLE stored_meetings_rows (
    connection_id  INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id   TEXT NOT NULL,
    started        TEXT NOT NULL,
    fingerprint    INTEGER NOT NULL,
    fetched_at     TEXT NOT NULL,
    body           BLOB NOT NULL
);
INSERT INTO stored_meetings_rows
    SELECT connection_id, gong_call_id, started, fingerprint, fetched_at, body
    FROM stored_meetings
    ORDER BY connection_id, started, gong_call_id;
DROP TABLE stored_meetings;
ALTER TABLE stored_meetings_rows RENAME TO stored_meetings;
CREATE UNIQUE INDEX stored_meetings_call ON stored_meetings(connection_id, gong_call_id);
CREATE INDEX stored_meetings_started ON stored_meetings(connection_id, started, gong_call_id);
