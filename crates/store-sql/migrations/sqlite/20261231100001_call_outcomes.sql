-- The company's call outcomes with their sentiment (S9), as `GET /v2/call-outcomes`
-- last listed them for a connection: read at most once a day, joined to activities'
-- outcomes by name when they are evaluated. `outcomes` is a JSON array of
-- `{id, name, sentiment}`; `fetched_at` is when the list was read (or last tried).
CREATE TABLE call_outcomes (
    connection_id  INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    fetched_at     TEXT NOT NULL,
    outcomes       TEXT NOT NULL
);
