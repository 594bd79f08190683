-- A job page is a keyset page: `WHERE job_id = $1 [AND status = $2] AND id > $3
-- ORDER BY id LIMIT $4`. With a status filter it is a range scan of this index at
-- any depth (the old (job_id, status) index is its prefix and goes).
CREATE INDEX log_records_job_status_id ON log_records(job_id, status, id);
DROP INDEX log_records_job_status;

-- The job's record counts by status, kept as records are written, so a page shows
-- its total without counting a million records.
ALTER TABLE jobs
    ADD COLUMN records_created BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN records_updated BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN records_skipped BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN records_failed  BIGINT NOT NULL DEFAULT 0;
UPDATE jobs SET
    records_created = c.created, records_updated = c.updated,
    records_skipped = c.skipped, records_failed = c.failed
FROM (
    SELECT job_id,
           COUNT(*) FILTER (WHERE status = 'Created') AS created,
           COUNT(*) FILTER (WHERE status = 'Updated') AS updated,
           COUNT(*) FILTER (WHERE status = 'Skipped') AS skipped,
           COUNT(*) FILTER (WHERE status = 'Failed')  AS failed
    FROM log_records GROUP BY job_id
) AS c
WHERE c.job_id = jobs.id;
