-- The study path (issue 16), the PostgreSQL twin of sqlite/0013: hints taken during a drill,
-- a review of misses in progress, and an interview date that the review schedule aims at.
ALTER TABLE drill_sessions ADD COLUMN hints text NOT NULL DEFAULT '[]';

CREATE TABLE miss_reviews (
    user_key   text PRIMARY KEY,
    review     text NOT NULL,
    started_at timestamptz NOT NULL
);

-- A local date as YYYY-MM-DD text (as SQLite keeps it, so a copy between the two is exact).
ALTER TABLE user_settings ADD COLUMN interview text
    CHECK (interview IS NULL OR interview ~ '^\d{4}-\d{2}-\d{2}$');
