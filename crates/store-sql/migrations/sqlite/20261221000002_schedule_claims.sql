-- The schedule slot (S6) each connection's scheduled job was last claimed for: of
-- several replicas offering the same slot, one claims it.
CREATE TABLE schedule_claims (
    connection_id  INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    slot           TEXT NOT NULL
);
