-- The web execution log pages through one job's records in write order
-- (`WHERE job_id = ? ORDER BY id LIMIT ? OFFSET ?`): this index serves it without
-- sorting, so a page stays fast at a million records.
CREATE INDEX log_records_job_id ON log_records(job_id, id);
