-- Where a job's delivery stands (the PostgreSQL twin of sqlite/0009): `posting` is the index of
-- the delivery whose post a node started (written before the platform call), `posted` the
-- platform's message ids of the deliveries that are out, as a JSON array in order (written
-- after it). claimed -> posting -> posted -> done.
ALTER TABLE jobs ADD COLUMN posting integer CHECK (posting >= 0);
ALTER TABLE jobs ADD COLUMN posted text;  -- JSON array of message ids; NULL: none yet

-- Platform requests already applied (the twin of sqlite/0009): a Slack event's event_id, an
-- interaction's trigger_id. Kept an hour (past Slack's 5-minute replay window).
CREATE TABLE seen_requests (
    key     text PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
CREATE INDEX seen_requests_by_age ON seen_requests (seen_at);
