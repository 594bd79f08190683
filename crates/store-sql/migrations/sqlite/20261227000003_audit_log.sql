-- The audit log (A4): every admin change, who made it, when, from where (ui, api,
-- cli), and the value before and after as JSON, secrets removed.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    channel  TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    before   TEXT,
    after    TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
