-- S10: one Gong call is one activity per Timeline, whichever connection wrote it.
-- Until now the external id was `gong:<connection>:<call>`, so a connection deleted
-- and created again to the same Gong account (or two connections to it) doubled its
-- meetings. This merges the duplicates and re-keys every activity `gong:<call>`.
--
-- Per call with several activities, the most recently updated one is kept (ties: the
-- newest id); the others' log records point at it, and their own transcripts go
-- (the kept activity's stays; one without is fetched again, S9). Every merge is
-- logged in `activity_merges`: nothing a log shows is lost.

CREATE INDEX activities_call ON activities(gong_call_id);

CREATE TABLE activity_merges (
    merged_id      INTEGER PRIMARY KEY,
    kept_id        INTEGER NOT NULL,
    gong_call_id   TEXT NOT NULL,
    connection_id  INTEGER NOT NULL,
    external_id    TEXT NOT NULL,
    merged_at      TEXT NOT NULL
);

INSERT INTO activity_merges (merged_id, kept_id, gong_call_id, connection_id, external_id, merged_at)
SELECT a.id,
       (SELECT b.id FROM activities b WHERE b.gong_call_id = a.gong_call_id
        ORDER BY b.updated_at DESC, b.id DESC LIMIT 1),
       a.gong_call_id, a.connection_id, a.external_id,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM activities a
WHERE EXISTS (SELECT 1 FROM activities b WHERE b.gong_call_id = a.gong_call_id AND b.id <> a.id);

DELETE FROM activity_merges WHERE merged_id = kept_id;

UPDATE log_records
SET activity_id = (SELECT m.kept_id FROM activity_merges m WHERE m.merged_id = log_records.activity_id)
WHERE activity_id IN (SELECT merged_id FROM activity_merges);

DELETE FROM transcripts WHERE activity_id IN (SELECT merged_id FROM activity_merges);
DELETE FROM activities WHERE id IN (SELECT merged_id FROM activity_merges);

UPDATE activities SET external_id = 'gong:' || gong_call_id;
