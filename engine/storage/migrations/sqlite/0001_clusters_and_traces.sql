-- Per-scope simulated clusters and the latest traces of each scope.
CREATE TABLE clusters (
    scope      TEXT PRIMARY KEY,
    version    INTEGER NOT NULL CHECK (version > 0),
    state      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A ring of the latest 16 traces per scope (slot = trace_no % 16): bounded by construction,
-- so trace buttons on recent messages work on any node and nothing needs pruning.
CREATE TABLE traces (
    scope      TEXT NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    slot       INTEGER NOT NULL CHECK (slot BETWEEN 0 AND 15),
    trace_no   INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, slot)
);

-- Saving a cluster and its trace is one INSERT into this view. The trigger checks the version
-- (optimistic locking across processes) and writes both tables, so the whole save is a single
-- statement: atomic in autocommit mode and one trip to aiosqlite's worker thread instead of four.
CREATE VIEW cluster_saves AS
    SELECT scope, version AS expected_version, state, updated_at,
           NULL AS trace_no, NULL AS trace
    FROM clusters WHERE 0;

CREATE TRIGGER cluster_save INSTEAD OF INSERT ON cluster_saves
BEGIN
    SELECT RAISE(ABORT, 'rungs: version conflict')
    WHERE coalesce((SELECT version FROM clusters WHERE scope = NEW.scope), 0)
          != NEW.expected_version;
    INSERT INTO clusters (scope, version, state, updated_at)
        VALUES (NEW.scope, NEW.expected_version + 1, NEW.state, NEW.updated_at)
        ON CONFLICT (scope) DO UPDATE SET
            version = excluded.version, state = excluded.state, updated_at = excluded.updated_at;
    INSERT OR REPLACE INTO traces (scope, slot, trace_no, body, created_at)
        SELECT NEW.scope, NEW.trace_no % 16, NEW.trace_no, NEW.trace, NEW.updated_at
        WHERE NEW.trace IS NOT NULL;
END;
