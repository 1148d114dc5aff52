-- Issue 16, the rest: a scheduled post that failed is kept with its schedule, and each scope's
-- cluster keeps the history of its changes (for /cluster history and /cluster undo).
--
-- schedules.failure: JSON (reason, the platform's words, when the post was due, failures in a
-- row); NULL when the last post went out. Only advancing a schedule writes it: a post that
-- goes out clears it, one the platform refused records it; setting the schedule keeps it.
ALTER TABLE schedules ADD COLUMN failure TEXT;

DROP TRIGGER schedule_advance;
DROP VIEW schedule_advances;

CREATE VIEW schedule_advances AS
    SELECT scope, job_key, 0 AS job_id, '' AS node, '' AS now, '' AS key, '' AS kind,
           '' AS platform, '' AS target, '' AS payload, '' AS due_at, failure
    FROM schedules WHERE 0;

CREATE TRIGGER schedule_advance INSTEAD OF INSERT ON schedule_advances
BEGIN
    SELECT RAISE(ABORT, 'rungs: claim lost')
    WHERE NOT EXISTS (
        SELECT 1 FROM jobs WHERE id = NEW.job_id AND claimed_by = NEW.node AND done_at IS NULL
    );
    UPDATE jobs
    SET done_at = NEW.now,
        next_key = (SELECT NEW.key FROM schedules
                    WHERE scope = NEW.scope AND job_key = NEW.job_key)
    WHERE id = NEW.job_id;
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
        SELECT NEW.key, NEW.kind, NEW.platform, NEW.target, NEW.payload, NEW.due_at
        FROM schedules WHERE scope = NEW.scope AND job_key = NEW.job_key
        ON CONFLICT (key) DO NOTHING;
    UPDATE schedules SET job_key = NEW.key, failure = NEW.failure
    WHERE scope = NEW.scope AND job_key = NEW.job_key;
END;
-- The changes of each scope's cluster, newest last; the latest 20 per scope are kept (the
-- trigger below trims). Users are kept by id, names are resolved when shown; /forget-me
-- blanks user_id and drops the `before` documents that mention the user.
--   words:   the change in words ("set lb=least_conn servers=4", "killed app-1")
--   before:  the cluster document just before the change: what an undo brings back (NULL on
--            an undo's own row, and once the change is undone)
--   undo_of: on an undo's row, the change it reverted
CREATE TABLE cluster_changes (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    scope   TEXT NOT NULL REFERENCES clusters (scope) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    user_id TEXT NOT NULL,
    words   TEXT NOT NULL,
    before  TEXT,
    undo_of INTEGER,
    undone  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX cluster_changes_by_scope ON cluster_changes (scope, id);

-- A cluster change saved with its history row, in one statement: the save (the view
-- cluster_saves, version checked), the row, an undo's mark on the change it reverts (an undo
-- of a change undone already aborts: two undos at once cannot both apply), and the trim.
CREATE VIEW cluster_change_saves AS
    SELECT scope, 0 AS expected_version, '' AS state, '' AS updated_at, user_id, words,
           before, undo_of
    FROM cluster_changes WHERE 0;

CREATE TRIGGER cluster_change_save INSTEAD OF INSERT ON cluster_change_saves
BEGIN
    SELECT RAISE(ABORT, 'rungs: version conflict')
    WHERE NEW.undo_of IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM cluster_changes
        WHERE id = NEW.undo_of AND scope = NEW.scope AND undone = 0 AND before IS NOT NULL
    );
    INSERT INTO cluster_saves (scope, expected_version, state, updated_at, trace_no, trace)
        VALUES (NEW.scope, NEW.expected_version, NEW.state, NEW.updated_at, NULL, NULL);
    UPDATE cluster_changes SET undone = 1, before = NULL WHERE id = NEW.undo_of;
    INSERT INTO cluster_changes (scope, at, user_id, words, before, undo_of)
        VALUES (NEW.scope, NEW.updated_at, NEW.user_id, NEW.words, NEW.before, NEW.undo_of);
    DELETE FROM cluster_changes
    WHERE scope = NEW.scope AND id <= (
        SELECT id FROM cluster_changes WHERE scope = NEW.scope ORDER BY id DESC LIMIT 1 OFFSET 20
    );
END;
