-- A job page is a keyset page: `WHERE job_id = ? [AND status = ?] AND id > ?
-- ORDER BY id LIMIT ?`. With a status filter it is a range scan of this index at
-- any depth (the old (job_id, status) index is its prefix and goes).
CREATE INDEX log_records_job_status_id ON log_records(job_id, status, id);
DROP INDEX log_records_job_status;

-- The job's record counts by status, kept as records are written, so a page shows
-- its total without counting a million records.
ALTER TABLE jobs ADD COLUMN records_created INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN records_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN records_skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN records_failed INTEGER NOT NULL DEFAULT 0;
UPDATE jobs SET
    records_created = (SELECT COUNT(*) FROM log_records r WHERE r.job_id = jobs.id AND r.status = 'Created'),
    records_updated = (SELECT COUNT(*) FROM log_records r WHERE r.job_id = jobs.id AND r.status = 'Updated'),
    records_skipped = (SELECT COUNT(*) FROM log_records r WHERE r.job_id = jobs.id AND r.status = 'Skipped'),
    records_failed  = (SELECT COUNT(*) FROM log_records r WHERE r.job_id = jobs.id AND r.status = 'Failed');
