-- The planner: projects users import (each the validated CSV row that `critmin projects
-- import` would write, re-read through the same validator) and portfolios (optimizer runs,
-- infeasible ones included with their explanation). Same rules as 0001: TEXT and BIGINT
-- only, random text ids, unix milliseconds, JSON as text.

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    import_id TEXT NOT NULL,
    name TEXT NOT NULL,
    mineral TEXT NOT NULL,
    stage TEXT NOT NULL,
    country TEXT NOT NULL,
    csv_text TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX projects_created ON projects (created_at_ms);

CREATE TABLE portfolios (
    id TEXT PRIMARY KEY,
    job_id TEXT REFERENCES jobs (id),
    buyer TEXT NOT NULL,
    mineral TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('optimal', 'time_limit', 'infeasible')),
    spec_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    explanation TEXT,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX portfolios_created ON portfolios (created_at_ms);
