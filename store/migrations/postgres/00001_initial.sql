-- +goose Up
-- Times are TIMESTAMPTZ (microsecond precision); optional times are NULL.

CREATE TABLE signals (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    external_ref TEXT NOT NULL DEFAULT '',
    team         TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX signals_team_idx ON signals (team);

CREATE TABLE subjects (
    id         TEXT PRIMARY KEY,
    signal_id  TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (signal_id, type, value)
);

CREATE TABLE purposes (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL DEFAULT '',
    legal_basis         TEXT NOT NULL DEFAULT '',
    processing_activity TEXT NOT NULL DEFAULT '',
    retention           TEXT NOT NULL DEFAULT '',
    allowed_sources     JSONB NOT NULL DEFAULT '[]',
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE jobs (
    id            TEXT PRIMARY KEY,
    signal_id     TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    purpose_id    TEXT NOT NULL REFERENCES purposes (id),
    justification TEXT NOT NULL DEFAULT '',
    requested_by  TEXT NOT NULL DEFAULT '',
    max_depth     INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_signal_idx ON jobs (signal_id, created_at);

CREATE TABLE tasks (
    id            TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    source        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_value TEXT NOT NULL,
    depth         INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (job_id, source, subject_type, subject_value)
);
CREATE INDEX tasks_status_idx ON tasks (status);

-- Evidence is content-addressed; job and task say why it was fetched but are
-- not foreign keys, so the proof outlives a deleted job.
CREATE TABLE evidence (
    sha256     TEXT PRIMARY KEY,
    body       BYTEA NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    status     INTEGER NOT NULL DEFAULT 0,
    fetched_at TIMESTAMPTZ,
    job_id     TEXT NOT NULL DEFAULT '',
    task_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evidence_fetched_idx ON evidence (fetched_at);

CREATE TABLE entities (
    id         TEXT PRIMARY KEY,
    schema     TEXT NOT NULL DEFAULT '',
    caption    TEXT NOT NULL DEFAULT '',
    properties JSONB NOT NULL DEFAULT '{}',
    provenance JSONB NOT NULL DEFAULT '[]',
    first_seen TIMESTAMPTZ,
    last_seen  TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE signal_entity_links (
    signal_id  TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    entity_id  TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    purpose_id TEXT NOT NULL REFERENCES purposes (id),
    job_id     TEXT NOT NULL DEFAULT '',
    linked_at  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    PRIMARY KEY (signal_id, entity_id, purpose_id)
);
CREATE INDEX links_expires_idx ON signal_entity_links (expires_at);
CREATE INDEX links_entity_idx ON signal_entity_links (entity_id);

CREATE TABLE api_tokens (
    hash       TEXT PRIMARY KEY,
    "user"     TEXT NOT NULL,
    role       TEXT NOT NULL,
    team       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- The audit log is append-only and hash-chained. seq is assigned under the
-- chain lock as previous+1, so it has no gaps and a verifier can walk it in
-- order; time is indexed for the retention sweep and the auditor's filters.
CREATE TABLE audit_entries (
    seq                 BIGINT PRIMARY KEY,
    id                  TEXT NOT NULL UNIQUE,
    time                TIMESTAMPTZ NOT NULL,
    actor_user          TEXT NOT NULL DEFAULT '',
    actor_role          TEXT NOT NULL DEFAULT '',
    action              TEXT NOT NULL DEFAULT '',
    object_type         TEXT NOT NULL DEFAULT '',
    object_id           TEXT NOT NULL DEFAULT '',
    purpose_id          TEXT NOT NULL DEFAULT '',
    processing_activity TEXT NOT NULL DEFAULT '',
    justification       TEXT NOT NULL DEFAULT '',
    origin              TEXT NOT NULL DEFAULT '',
    result              TEXT NOT NULL DEFAULT '',
    detail              TEXT NOT NULL DEFAULT '',
    trace_id            TEXT NOT NULL DEFAULT '',
    prev_hash           TEXT NOT NULL DEFAULT '',
    hash                TEXT NOT NULL
);
CREATE INDEX audit_time_idx ON audit_entries (time);
CREATE INDEX audit_object_idx ON audit_entries (object_id);
CREATE INDEX audit_actor_idx ON audit_entries (actor_user);

-- +goose Down
DROP TABLE audit_entries;
DROP TABLE api_tokens;
DROP TABLE signal_entity_links;
DROP TABLE entities;
DROP TABLE evidence;
DROP TABLE tasks;
DROP TABLE jobs;
DROP TABLE purposes;
DROP TABLE subjects;
DROP TABLE signals;
