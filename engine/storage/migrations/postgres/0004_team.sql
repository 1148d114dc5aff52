-- Team study (the PostgreSQL twin of sqlite/0006): timed challenges in a channel, their
-- participants, a points ledger per board (`platform:workspace`) and each channel's daily-drill
-- schedule. The multi-table writes are single statements of data-modifying CTEs, or short
-- transactions, in engine/storage/postgres_team.py: no triggers here.
CREATE TABLE challenges (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope       text NOT NULL,            -- the channel's scope `platform:workspace:ch:id`
    board       text NOT NULL,            -- the leaderboard it counts towards
    drill_id    text NOT NULL,
    params      text NOT NULL,            -- JSON: the numbers drawn for this challenge
    starter     text NOT NULL,            -- user key ('' once that user is forgotten)
    started_at  timestamptz NOT NULL,
    deadline    timestamptz NOT NULL,
    ended_at    timestamptz,              -- set once, by end_challenge
    target      text NOT NULL             -- JSON: where the reveal is posted
);

-- One running challenge per channel: start_challenge's ON CONFLICT names this index.
CREATE UNIQUE INDEX challenges_one_running ON challenges (scope) WHERE ended_at IS NULL;

CREATE TABLE challenge_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- join order among ties
    challenge_id bigint NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    user_key     text NOT NULL,
    display_name text NOT NULL,
    answer       text NOT NULL DEFAULT '',
    joined_at    timestamptz NOT NULL,
    covered      integer,                 -- the three set by end_challenge
    total        integer,
    points       integer,
    UNIQUE (challenge_id, user_key)
);
CREATE INDEX challenge_entries_by_user ON challenge_entries (user_key, joined_at);

-- Points won, one row per (challenge, participant), stamped with the challenge's end so that a
-- board can be summed since an instant.
CREATE TABLE board_points (
    challenge_id bigint NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    user_key     text NOT NULL,
    board        text NOT NULL,
    points       integer NOT NULL,
    won_at       timestamptz NOT NULL,
    PRIMARY KEY (challenge_id, user_key)
);
CREATE INDEX board_points_by_board ON board_points (board, won_at);
CREATE INDEX board_points_by_user ON board_points (user_key);

-- A channel's daily drill: the spec and the key of the pending job of its next post.
CREATE TABLE schedules (
    scope   text PRIMARY KEY,
    spec    text NOT NULL,                -- JSON: local time, time zone, topic, who set it
    job_key text NOT NULL
);

-- Whether a user's settings document opts them out of leaderboards ("leaderboard": "off").
-- Settings that are not valid JSON count as "not off" rather than failing the whole board, as
-- in SQLite (json_valid); PostgreSQL 15 has no IS JSON, hence the exception handler.
CREATE FUNCTION rungs_leaderboard_off(settings text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN coalesce(settings::jsonb ->> 'leaderboard', '') = 'off';
EXCEPTION WHEN invalid_text_representation THEN
    RETURN false;
END
$$;
