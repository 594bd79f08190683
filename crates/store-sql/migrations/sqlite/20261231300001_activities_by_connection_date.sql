-- A connection's activities, newest first, as an index range: the transcripts pass
-- (S9) reads them in batches of 100 from where the last batch ended. Without it SQLite
-- read every activity of the connection, with its stored meeting, and sorted them for
-- each batch: a first pass over 100,000 calls took four minutes (`bench --transcripts`).
-- The Timeline's list filtered by connection reads it too.
CREATE INDEX activities_connection_date ON activities(connection_id, date, id);
