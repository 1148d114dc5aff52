-- Where a job's delivery stands, so that a node taking a job over knows what is already out:
-- `posting` is the index of the delivery whose post a node started (written before the
-- platform call), `posted` the platform's message ids of the deliveries that are out, as a JSON
-- array in order (written after it). claimed -> posting -> posted -> done.
ALTER TABLE jobs ADD COLUMN posting INTEGER CHECK (posting >= 0);
ALTER TABLE jobs ADD COLUMN posted TEXT;  -- JSON array of message ids; NULL: none yet

-- Platform requests already applied (engine/ports/requests.py): a Slack event's event_id, an
-- interaction's trigger_id. A retried or replayed request finds its key and is not applied
-- again, on whichever node it arrives. Kept an hour (past Slack's 5-minute replay window).
CREATE TABLE seen_requests (
    key     TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
);
CREATE INDEX seen_requests_by_age ON seen_requests (seen_at);
