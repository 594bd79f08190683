-- A1: an admin removes an account's sign-in. The row stays (its username keeps
-- single sign-on from making the account again), marked with when; NULL is an
-- account that may sign in. Granting sign-in again clears it.
ALTER TABLE admins ADD COLUMN sign_in_removed_at TEXT;
