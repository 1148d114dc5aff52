-- Durable jobs: a deadline is a row, never a sleeping task. Each node's sweeper claims its
-- platform's due jobs with one UPDATE (engine/storage/sqlite_jobs.py), delivers them and marks
-- them done. Times are ISO 8601 UTC text, so text order is time order.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT NOT NULL UNIQUE,     -- unique for ever: done rows are kept, so a retried
                                          -- schedule_job of a delivered job changes nothing
    kind        TEXT NOT NULL,
    platform    TEXT NOT NULL,
    target      TEXT NOT NULL,            -- JSON: where to deliver
    payload     TEXT NOT NULL,            -- JSON: ids the delivery needs
    due_at      TEXT NOT NULL,
    claimed_by  TEXT,                     -- the node holding (or last holding) the job
    lease_until TEXT,                     -- the claim runs out then; another node may take it
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    done_at     TEXT,
    next_key    TEXT                      -- a daily job: the key of the run it scheduled
);

-- The claim's index: the not-done jobs of a platform in due order. lease_until and done_at are
-- in it so that the claim's subselect and next_job_due are answered from the index alone
-- (a COVERING INDEX in the query plan; bench/jobs_sweep.py prints it): an idle sweep among
-- thousands of jobs not yet due reads a few index pages and no table row. Done jobs leave it.
CREATE INDEX jobs_due ON jobs (platform, due_at, lease_until, done_at) WHERE done_at IS NULL;

-- Jobs held by a node right now (few): when the soonest lease runs out, for next_job_due.
CREATE INDEX jobs_leased ON jobs (platform, lease_until, done_at)
    WHERE done_at IS NULL AND lease_until IS NOT NULL;
