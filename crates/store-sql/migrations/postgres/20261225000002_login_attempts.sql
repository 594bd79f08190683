-- Log-in throttling in the store, so that every replica counts the same
-- attempts: failures per key (an account at an address, or an address) and the time
-- of the last one. The lock-out is derived from the two.
CREATE TABLE login_attempts (
    key       TEXT PRIMARY KEY,
    failures  BIGINT NOT NULL,
    last_at   TEXT NOT NULL
);
CREATE INDEX login_attempts_last ON login_attempts(last_at);
