-- Transcripts (S9), opt-in per connection.
ALTER TABLE settings ADD COLUMN transcripts BOOLEAN NOT NULL DEFAULT FALSE;

-- One transcript per activity, gone with it (a call made private, deleted in Gong,
-- past retention or erased loses its activity, and so its transcript). The body is
-- the transcript compressed (deflate over postcard); an empty transcript marks a call
-- Gong had none for (0 sentences), so it is not asked for again.
CREATE TABLE transcripts (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    body         BLOB NOT NULL,
    fetched_at   TEXT NOT NULL,
    -- 0 for a call Gong had no transcript for.
    sentences    INTEGER NOT NULL
);

-- The words, for search: a contentless index (the text itself lives only in the
-- compressed body), its rowid the activity's id.
CREATE VIRTUAL TABLE transcripts_fts USING fts5(text, content = '', contentless_delete = 1);
CREATE TRIGGER transcripts_unindex AFTER DELETE ON transcripts BEGIN
    DELETE FROM transcripts_fts WHERE rowid = old.activity_id;
END;
