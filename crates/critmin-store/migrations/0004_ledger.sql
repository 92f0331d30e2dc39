-- The chain-of-custody ledger (critmin-ledger) in the project's store: the two append-only
-- streams of the log and the binding of API keys to ledger organisations. Records are the
-- ledger's canonical bytes as lowercase hex (TEXT on both engines); `idx` is the position in
-- the stream (the Merkle leaf index for entries), so a gap or a duplicate cannot be stored.

CREATE TABLE ledger_entries (
    idx BIGINT PRIMARY KEY,
    entry_hex TEXT NOT NULL,
    appended_at_ms BIGINT NOT NULL
);

CREATE TABLE ledger_checkpoints (
    idx BIGINT PRIMARY KEY,
    checkpoint_hex TEXT NOT NULL,
    appended_at_ms BIGINT NOT NULL
);

-- Which ledger organisation an API key speaks for: it may write only that organisation's
-- entries and reads with that organisation's rights.
CREATE TABLE ledger_key_orgs (
    key_id TEXT PRIMARY KEY REFERENCES api_keys (id),
    org TEXT NOT NULL
);
