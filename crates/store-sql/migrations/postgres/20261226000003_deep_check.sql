-- The monthly deep check (G1): when it last went through the whole backfill window,
-- and the last stored meeting (JSON key) an unfinished one asked Gong about.
ALTER TABLE checkpoints ADD COLUMN deep_checked_at TEXT;
ALTER TABLE checkpoints ADD COLUMN deep_check_after TEXT;
