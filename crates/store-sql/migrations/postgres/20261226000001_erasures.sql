-- Erasure receipts (G2): when a person was erased by email, who asked, the
-- address's SHA-256 (never the address) and the rows changed per table (JSON).
CREATE TABLE erasures (
    id            BIGSERIAL PRIMARY KEY,
    requested_at  TEXT NOT NULL,
    requested_by  TEXT NOT NULL,
    email_sha256  TEXT NOT NULL,
    counts        TEXT NOT NULL
);
CREATE INDEX erasures_email ON erasures(email_sha256);
