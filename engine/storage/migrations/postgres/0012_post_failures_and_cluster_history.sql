-- Issue 16, the rest (the PostgreSQL twin of sqlite/0014): a scheduled post that failed is kept
-- with its schedule, and each scope's cluster keeps the history of its changes.
--
-- schedules.failure: JSON text (as SQLite keeps it, so a copy between the two is exact); NULL
-- when the last post went out. Only advancing a schedule writes it.
ALTER TABLE schedules ADD COLUMN failure text;
-- The latest 20 changes per scope (postgres_history.py trims in the same transaction); see
-- sqlite/0014 for the columns.
CREATE TABLE cluster_changes (
    id      bigserial PRIMARY KEY,
    scope   text NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    at      timestamptz NOT NULL,
    user_id text NOT NULL,
    words   text NOT NULL,
    before  text,
    undo_of bigint,
    undone  boolean NOT NULL DEFAULT false
);
CREATE INDEX cluster_changes_by_scope ON cluster_changes (scope, id);
