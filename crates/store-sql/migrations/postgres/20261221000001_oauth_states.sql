-- OAuth authorisations in progress (the digest of each consent page's `state`), so
-- that a restart or another replica can complete the flow. Single use: taken by a
-- DELETE … RETURNING.
CREATE TABLE oauth_states (
    state_hash     TEXT PRIMARY KEY,
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    started_by     TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
CREATE INDEX oauth_states_expires ON oauth_states(expires_at);
