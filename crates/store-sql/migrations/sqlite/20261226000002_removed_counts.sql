-- Activities removed because their calls were deleted in Gong (G1): the job's
-- count, and the count of its Removed log records.
ALTER TABLE jobs ADD COLUMN removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN records_removed INTEGER NOT NULL DEFAULT 0;
