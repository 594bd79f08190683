-- Transcripts (S9), opt-in per connection.
ALTER TABLE settings ADD COLUMN transcripts BOOLEAN NOT NULL DEFAULT FALSE;

-- One transcript per activity, gone with it (a call made private, deleted in Gong,
-- past retention or erased loses its activity, and so its transcript). The body is
-- the transcript compressed (deflate over postcard); an empty transcript marks a call
-- Gong had none for (0 sentences), so it is not asked for again. `words` is what search reads.
CREATE TABLE transcripts (
    activity_id  BIGINT PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    body         BYTEA NOT NULL,
    fetched_at   TEXT NOT NULL,
    -- 0 for a call Gong had no transcript for.
    sentences    BIGINT NOT NULL,
    -- The default is for `db copy`, which fills it from the bodies after copying.
    words        TSVECTOR NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX transcripts_words ON transcripts USING GIN (words);
