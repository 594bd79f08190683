-- Who is rotating a connection's single-use OAuth refresh token right now: a lease
-- taken with a conditional upsert before the refresh step runs and deleted once its
-- tokens are saved, so that of several processes sharing the file one spends the
-- token at a time (a lapsed lease, of a process that died, is taken over). Rows are
-- transient: `db copy` leaves this table alone.
CREATE TABLE token_locks (
    connection_id  INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    owner          TEXT NOT NULL,
    expires_at     TEXT NOT NULL
);
