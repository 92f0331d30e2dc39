-- One schema for SQLite and PostgreSQL: only types both accept with the same meaning
-- (TEXT, BIGINT), no autoincrement (ids are random text), times as unix milliseconds,
-- JSON as text. sqlx's Any driver decodes these to the same Rust types on both engines.

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
    label TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);

CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL,
    files_json TEXT NOT NULL,
    report_json TEXT NOT NULL
);

CREATE INDEX datasets_created ON datasets (created_at_ms);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    params_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress_done BIGINT NOT NULL,
    progress_total BIGINT NOT NULL,
    result_json TEXT,
    error TEXT,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
