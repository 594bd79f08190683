-- gong-timeline schema on PostgreSQL: the same tables and columns as the SQLite store,
-- so that `db copy` moves rows as they are. Times are RFC 3339 text in UTC at
-- microsecond precision (fixed width, so text order is time order, as on SQLite);
-- ids are BIGSERIAL; statuses hold the SPEC spelling; JSON columns hold text (the
-- rules read them in Rust, the database never queries inside them).

CREATE TABLE companies (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT NOT NULL,
    name_key        TEXT NOT NULL UNIQUE,
    crm_account_id  TEXT,
    crm_key         TEXT UNIQUE,
    fields          TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE persons (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    company_id  BIGINT NOT NULL REFERENCES companies(id)
);
CREATE INDEX persons_company ON persons(company_id);

CREATE TABLE users (
    id               BIGSERIAL PRIMARY KEY,
    email            TEXT NOT NULL,
    name             TEXT NOT NULL,
    license_type     TEXT NOT NULL,
    status           TEXT NOT NULL,
    fields           TEXT NOT NULL DEFAULT '{}',
    created_by_sync  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX users_email ON users(email);

CREATE TABLE activity_types (
    id        BIGSERIAL PRIMARY KEY,
    name      TEXT NOT NULL,
    name_key  TEXT NOT NULL UNIQUE,
    scope     TEXT NOT NULL,
    active    BOOLEAN NOT NULL
);

CREATE TABLE connections (
    id               BIGSERIAL PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    base_url         TEXT NOT NULL,
    auth_kind        TEXT NOT NULL,
    credentials      TEXT NOT NULL,
    status           TEXT NOT NULL,
    hubspot_warning  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    last_sync_at     TEXT
);

CREATE TABLE settings (
    connection_id   BIGINT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL,
    activity_type   TEXT NOT NULL,
    filters         TEXT NOT NULL,
    filter_logic    TEXT,
    backfill_days   BIGINT NOT NULL,
    lookback_hours  BIGINT NOT NULL
);

CREATE TABLE user_mappings (
    connection_id  BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_user_id   TEXT NOT NULL,
    gong_email     TEXT,
    gong_name      TEXT NOT NULL,
    status         TEXT NOT NULL,
    user_id        BIGINT REFERENCES users(id),
    suggested      TEXT NOT NULL DEFAULT '[]',
    manual         BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (connection_id, gong_user_id)
);

CREATE TABLE jobs (
    id                BIGSERIAL PRIMARY KEY,
    connection_id     BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    trigger_kind      TEXT NOT NULL,
    status            TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    finished_at       TEXT,
    fetched           BIGINT NOT NULL DEFAULT 0,
    created           BIGINT NOT NULL DEFAULT 0,
    updated           BIGINT NOT NULL DEFAULT 0,
    skipped           BIGINT NOT NULL DEFAULT 0,
    failed            BIGINT NOT NULL DEFAULT 0,
    message           TEXT,
    lease_owner       TEXT,
    lease_expires_at  TEXT
);
CREATE INDEX jobs_started ON jobs(started_at);
CREATE INDEX jobs_connection_started ON jobs(connection_id, started_at);
-- One running job per connection, whatever replica tries to start another.
CREATE UNIQUE INDEX jobs_one_running ON jobs(connection_id) WHERE finished_at IS NULL;

CREATE TABLE activities (
    id                  BIGSERIAL PRIMARY KEY,
    external_id         TEXT NOT NULL UNIQUE,
    connection_id       BIGINT NOT NULL REFERENCES connections(id),
    gong_call_id        TEXT NOT NULL,
    activity_type       TEXT NOT NULL,
    subject             TEXT NOT NULL,
    date                TEXT NOT NULL,
    duration_seconds    BIGINT,
    notes               TEXT,
    author_user_id      BIGINT REFERENCES users(id),
    company_id          BIGINT NOT NULL REFERENCES companies(id),
    internal_attendees  TEXT NOT NULL,
    external_attendees  TEXT NOT NULL,
    trackers            TEXT,
    trackers_message    TEXT,
    recording_url       TEXT,
    source              TEXT NOT NULL,
    content_hash        BIGINT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX activities_connection_call ON activities(connection_id, gong_call_id);
CREATE INDEX activities_company_date ON activities(company_id, date);
CREATE INDEX activities_date ON activities(date);

CREATE TABLE log_records (
    id            BIGSERIAL PRIMARY KEY,
    job_id        BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    gong_call_id  TEXT NOT NULL,
    title         TEXT,
    meeting_date  TEXT,
    status        TEXT NOT NULL,
    activity_id   BIGINT REFERENCES activities(id) ON DELETE SET NULL,
    message       TEXT
);
CREATE INDEX log_records_job_status ON log_records(job_id, status);
CREATE INDEX log_records_job_id ON log_records(job_id, id);
CREATE INDEX log_records_activity ON log_records(activity_id);

CREATE TABLE checkpoints (
    connection_id         BIGINT PRIMARY KEY REFERENCES connections(id) ON DELETE CASCADE,
    last_meeting_started  TEXT,
    last_reconciled_at    TEXT
);

CREATE TABLE retry_list (
    connection_id    BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id     TEXT NOT NULL,
    first_failed_at  TEXT NOT NULL,
    last_failed_at   TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    last_message     TEXT NOT NULL,
    PRIMARY KEY (connection_id, gong_call_id)
);

CREATE TABLE exports (
    id            BIGSERIAL PRIMARY KEY,
    job_id        BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    token         TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    file_deleted  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX exports_expires ON exports(expires_at);

CREATE TABLE skip_marks (
    connection_id BIGINT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    gong_call_id  TEXT NOT NULL,
    fingerprint   BIGINT NOT NULL,
    PRIMARY KEY (connection_id, gong_call_id)
);

-- Web admin accounts, login sessions and API tokens. Only hashes are stored.
CREATE TABLE admins (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX admins_username ON admins (lower(username));

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    BIGINT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    admin_id    BIGINT NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);

-- Meeting, Call, Email, Update and Milestone exist from the start, global and active.
INSERT INTO activity_types (name, name_key, scope, active) VALUES
    ('Meeting',   'meeting',   'global', TRUE),
    ('Call',      'call',      'global', TRUE),
    ('Email',     'email',     'global', TRUE),
    ('Update',    'update',    'global', TRUE),
    ('Milestone', 'milestone', 'global', TRUE);

-- Facts about the store itself: `key_check` is a value sealed with the credentials key,
-- so a replica started with another GONG_TIMELINE_SECRET_KEY is refused at once.
CREATE TABLE store_meta (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
