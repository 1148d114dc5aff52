-- Issue 16, the rest: a scheduled post that failed is kept with its schedule.
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
