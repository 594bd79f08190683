-- What each job asked of Gong (requests sent, 429 answers among them), set when it
-- finishes; NULL while it runs and for jobs finished before these were kept.
ALTER TABLE jobs ADD COLUMN gong_requests BIGINT;
ALTER TABLE jobs ADD COLUMN gong_rate_limited BIGINT;
-- A job's live download links, listed on its page.
CREATE INDEX exports_job ON exports(job_id, created_at);
