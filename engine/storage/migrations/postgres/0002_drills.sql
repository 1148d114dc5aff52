-- Per-user drills: sessions with their sketch, the reveal's result, ratings and review cards (the
-- PostgreSQL twin of sqlite/0003). Users are keyed `platform:workspace:user`; nothing refers to a
-- drill by its title. JSON columns stay text, as in SQLite: the store hands documents back exactly
-- as it was given them (jsonb would reorder keys and respace them).
CREATE TABLE drill_sessions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_key    text NOT NULL,
    drill_id    text NOT NULL,
    params      text NOT NULL,            -- JSON: the numbers drawn for this attempt
    started_at  timestamptz NOT NULL,
    deadline    timestamptz NOT NULL,
    answer      text NOT NULL DEFAULT '',
    ended_at    timestamptz,              -- set once: by the reveal, or when abandoned
    outcome     text CHECK (outcome IN ('revealed', 'abandoned')),
    covered     integer,
    total       integer,
    missed      text,                     -- JSON: ids of the checklist items missed
    rating      text CHECK (rating IN ('again', 'hard', 'good', 'easy'))
);

-- One running drill per user, enforced by the database itself: start_session's
-- ON CONFLICT (user_key) WHERE ended_at IS NULL names this index.
CREATE UNIQUE INDEX drill_sessions_one_running ON drill_sessions (user_key) WHERE ended_at IS NULL;
CREATE INDEX drill_sessions_by_user ON drill_sessions (user_key, id);

CREATE TABLE reviews (
    user_key text NOT NULL,
    drill_id text NOT NULL,
    card     text NOT NULL,               -- JSON: the spaced-repetition card
    due      timestamptz NOT NULL,
    PRIMARY KEY (user_key, drill_id)
);
CREATE INDEX reviews_due ON reviews (user_key, due);

CREATE TABLE user_settings (
    user_key text PRIMARY KEY,
    settings text NOT NULL                -- JSON: timezone, leaderboard visibility
);
