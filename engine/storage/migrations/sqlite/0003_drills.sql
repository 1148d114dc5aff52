-- Per-user drills: sessions with their sketch, the reveal's result, ratings and review cards.
-- Users are keyed `platform:workspace:user`; nothing refers to a drill by its title.
CREATE TABLE drill_sessions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_key    TEXT NOT NULL,
    drill_id    TEXT NOT NULL,
    params      TEXT NOT NULL,            -- JSON: the numbers drawn for this attempt
    started_at  TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    ended_at    TEXT,                     -- set once: by the reveal, or when abandoned
    outcome     TEXT CHECK (outcome IN ('revealed', 'abandoned')),
    covered     INTEGER,
    total       INTEGER,
    missed      TEXT,                     -- JSON: ids of the checklist items missed
    rating      TEXT CHECK (rating IN ('again', 'hard', 'good', 'easy'))
);

-- One running drill per user, enforced by the database itself.
CREATE UNIQUE INDEX drill_sessions_one_running ON drill_sessions (user_key) WHERE ended_at IS NULL;
CREATE INDEX drill_sessions_by_user ON drill_sessions (user_key, id);

CREATE TABLE reviews (
    user_key TEXT NOT NULL,
    drill_id TEXT NOT NULL,
    card     TEXT NOT NULL,               -- JSON: the spaced-repetition card
    due      TEXT NOT NULL,               -- ISO 8601 UTC, so text order is time order
    PRIMARY KEY (user_key, drill_id)
);
CREATE INDEX reviews_due ON reviews (user_key, due);

CREATE TABLE user_settings (
    user_key TEXT PRIMARY KEY,
    settings TEXT NOT NULL                -- JSON: timezone, leaderboard visibility
);
