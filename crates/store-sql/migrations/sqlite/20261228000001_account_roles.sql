-- A1: what each account may do: admin (every right), member (reads the Timeline
-- with recordings) or viewer (the Timeline without them). Accounts made before
-- roles existed were admins and stay so.
ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
