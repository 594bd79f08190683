-- gong-timeline schema. Times are RFC 3339 text in UTC at microsecond precision
-- (fixed width, so they sort as text); ids are 64-bit integers; statuses hold the
-- SPEC spelling rendered by the Rust enums; JSON columns hold text.

CREATE TABLE companies (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,      -- lowercase name: unique case-insensitively
    crm_account_id  TEXT,
    crm_key         TEXT UNIQUE,               -- canonical CRM id (Salesforce 15/18 as one)
    fields          TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE persons (
    id          INTEGER PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,          -- lowercase
    name        TEXT NOT NULL,
    company_id  INTEGER NOT NULL REFERENCES companies(id)
);
CREATE INDEX persons_company ON persons(company_id);

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    email            TEXT NOT NULL,            -- lowercase; NOT unique (user conflicts)
    name             TEXT NOT NULL,
    license_type     TEXT NOT NULL,
    status           TEXT NOT NULL,
    fields           TEXT NOT NULL DEFAULT '{}',
    created_by_sync  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX users_email ON users(email);

CREATE TABLE activity_types (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL UNIQUE,
    scope     TEXT NOT NULL,
    active    BOOLEAN NOT NULL
);

CREATE TABLE connections (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    base_url         TEXT NOT NULL,
    auth_kind        TEXT NOT NULL,
    credentials      TEXT NOT NULL,            -- sealed with ChaCha20-Poly1305
    status           TEXT NOT NULL,
    hubspot_warning  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    last_sync_at     TEXT
);

CREATE TABLE settings (
    connection_id   INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL,
    activity_type   TEXT NOT NULL,
    filters         TEXT NOT NULL,             -- JSON array of expressions
    filter_logic    TEXT,
    backfill_days   INTEGER NOT NULL,
    lookback_hours  INTEGER NOT NULL
);

CREATE TABLE user_mappings (
    connection_id  INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_user_id   TEXT NOT NULL,
    gong_email     TEXT,
    gong_name      TEXT NOT NULL,
    status         TEXT NOT NULL,
    user_id        INTEGER REFERENCES users(id),
    suggested      TEXT NOT NULL DEFAULT '[]', -- JSON array of user ids
    manual         BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (connection_id, gong_user_id)
);

CREATE TABLE jobs (
    id                INTEGER PRIMARY KEY,
    connection_id     INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    trigger_kind      TEXT NOT NULL,
    status            TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,                    -- NULL while running
    fetched           INTEGER NOT NULL DEFAULT 0,
    created           INTEGER NOT NULL DEFAULT 0,
    updated           INTEGER NOT NULL DEFAULT 0,
    skipped           INTEGER NOT NULL DEFAULT 0,
    failed            INTEGER NOT NULL DEFAULT 0,
    message           TEXT,
    lease_owner       TEXT,
    lease_expires_at  TEXT
);
CREATE INDEX jobs_started ON jobs(started_at);
CREATE INDEX jobs_connection_started ON jobs(connection_id, started_at);
-- One running job per connection, whatever process tries to start another.
CREATE UNIQUE INDEX jobs_one_running ON jobs(connection_id) WHERE finished_at IS NULL;

CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    external_id         TEXT NOT NULL UNIQUE,
    connection_id       INTEGER NOT NULL REFERENCES connections(id),
    gong_call_id        TEXT NOT NULL,
    activity_type       TEXT NOT NULL,
    subject             TEXT NOT NULL,
    date                TEXT NOT NULL,
    duration_seconds    INTEGER,
    notes               TEXT,
    author_user_id      INTEGER REFERENCES users(id),
    company_id          INTEGER NOT NULL REFERENCES companies(id),
    internal_attendees  TEXT NOT NULL,         -- JSON
    external_attendees  TEXT NOT NULL,         -- JSON
    trackers            TEXT,                  -- JSON, NULL when Gong sent none
    trackers_message    TEXT,
    recording_url       TEXT,
    source              TEXT NOT NULL,
    content_hash        INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX activities_connection_call ON activities(connection_id, gong_call_id);
CREATE INDEX activities_company_date ON activities(company_id, date);
CREATE INDEX activities_date ON activities(date);

CREATE TABLE log_records (
    id            INTEGER PRIMARY KEY,
    job_id        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    gong_call_id  TEXT NOT NULL,
    title         TEXT,
    meeting_date  TEXT,
    status        TEXT NOT NULL,
    activity_id   INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    message       TEXT
);
CREATE INDEX log_records_job_status ON log_records(job_id, status);

CREATE TABLE checkpoints (
    connection_id         INTEGER PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    last_meeting_started  TEXT,
    last_reconciled_at    TEXT
);

CREATE TABLE retry_list (
    connection_id    INTEGER NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id     TEXT NOT NULL,
    first_failed_at  TEXT NOT NULL,
    last_failed_at   TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    last_message     TEXT NOT NULL,
    PRIMARY KEY (connection_id, gong_call_id)
);

CREATE TABLE exports (
    id            INTEGER PRIMARY KEY,
    job_id        INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    token         TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    file_deleted  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX exports_expires ON exports(expires_at);
