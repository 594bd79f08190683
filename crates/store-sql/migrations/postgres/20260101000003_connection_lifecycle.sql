-- Connection statuses as C6 spells them, and deleted connections (C5): a deleted
-- connection's row stays (renamed, credentials wiped) so that its activities and its
-- jobs in the execution log keep pointing at it; every lookup skips it.
UPDATE connections SET status = 'Not yet authorised' WHERE status = 'Pending';
UPDATE connections SET status = 'Needs re-authorisation' WHERE status = 'Needs reauthorisation';
ALTER TABLE connections ADD COLUMN deleted_at TEXT;
