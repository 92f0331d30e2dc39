-- Saved custom shocks and their results, and uploaded bilateral trade files.
-- Same rules as 0001: TEXT and BIGINT only, random text ids, unix milliseconds, JSON as text.

CREATE TABLE scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    mineral TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX scenarios_created ON scenarios (created_at_ms);

CREATE TABLE scenario_results (
    id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL REFERENCES scenarios (id),
    result_json TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX scenario_results_scenario ON scenario_results (scenario_id, created_at_ms);

-- An uploaded BACI or Comtrade CSV as sent (the server re-imports it on first use after a
-- restart) with the validation report that accepted it.
CREATE TABLE trade_datasets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    content TEXT NOT NULL,
    report_json TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES api_keys (id),
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX trade_datasets_created ON trade_datasets (created_at_ms);
