-- Durable jobs (the PostgreSQL twin of sqlite/0005): a deadline is a row, never a sleeping task.
-- Each node's sweeper claims its platform's due jobs with one UPDATE whose subselect locks them
-- FOR UPDATE SKIP LOCKED (engine/storage/postgres_jobs.py), delivers them, marks them done.
CREATE TABLE jobs (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key         text NOT NULL UNIQUE,     -- unique for ever: done rows are kept
    kind        text NOT NULL,
    platform    text NOT NULL,
    target      text NOT NULL,            -- JSON: where to deliver
    payload     text NOT NULL,            -- JSON: ids the delivery needs
    due_at      timestamptz NOT NULL,
    claimed_by  text,                     -- the node holding (or last holding) the job
    lease_until timestamptz,              -- the claim runs out then; another node may take it
    attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    done_at     timestamptz,
    next_key    text                      -- a daily job: the key of the run it scheduled
);

-- The claim's index: the not-done jobs of a platform in due order, with lease_until alongside so
-- that the lease test needs no heap row for the index-only scan. Done jobs leave it.
CREATE INDEX jobs_due ON jobs (platform, due_at) INCLUDE (lease_until) WHERE done_at IS NULL;

-- Jobs held by a node right now (few): when the soonest lease runs out, for next_job_due.
CREATE INDEX jobs_leased ON jobs (platform, lease_until)
    WHERE done_at IS NULL AND lease_until IS NOT NULL;
