-- Per-scope simulated clusters and the latest traces of each scope (the PostgreSQL twin of
-- sqlite/0001). Saving is one statement in engine/storage/postgres.py, so no function is needed.
CREATE TABLE clusters (
    scope      text PRIMARY KEY,
    version    bigint NOT NULL CHECK (version > 0),
    state      text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- A ring of the latest 16 traces per scope (slot = trace_no % 16): bounded by construction,
-- so trace buttons on recent messages work on any node and nothing needs pruning.
CREATE TABLE traces (
    scope      text NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    slot       smallint NOT NULL CHECK (slot BETWEEN 0 AND 15),
    trace_no   bigint NOT NULL,
    body       text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (scope, slot)
);
