-- Team study: timed challenges in a channel, their participants, a points ledger per board
-- (`platform:workspace`) and each channel's daily-drill schedule. As in 0004, a write that spans
-- tables is one statement: an INSERT into a view whose trigger does the work, or a trigger on the
-- table itself where the second write always goes with the first.
CREATE TABLE challenges (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scope       TEXT NOT NULL,            -- the channel's scope `platform:workspace:ch:id`
    board       TEXT NOT NULL,            -- the leaderboard it counts towards
    drill_id    TEXT NOT NULL,
    params      TEXT NOT NULL,            -- JSON: the numbers drawn for this challenge
    starter     TEXT NOT NULL,            -- user key ('' once that user is forgotten)
    started_at  TEXT NOT NULL,
    deadline    TEXT NOT NULL,
    ended_at    TEXT,                     -- set once, by end_challenge
    target      TEXT NOT NULL             -- JSON: where the reveal is posted
);

-- One running challenge per channel, enforced by the database itself.
CREATE UNIQUE INDEX challenges_one_running ON challenges (scope) WHERE ended_at IS NULL;

-- A challenge always comes with its reveal job, due at the deadline, on the scope's platform.
-- start_challenge is one INSERT ... RETURNING id; this trigger runs inside that statement.
CREATE TRIGGER challenge_reveal_job AFTER INSERT ON challenges
BEGIN
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
    VALUES (
        'challenge:' || NEW.id,
        'challenge_reveal',
        CASE WHEN instr(NEW.scope, ':') > 0
             THEN substr(NEW.scope, 1, instr(NEW.scope, ':') - 1) ELSE NEW.scope END,
        NEW.target,
        '{"challenge_id": ' || NEW.id || '}',
        NEW.deadline
    );
END;

CREATE TABLE challenge_entries (
    id           INTEGER PRIMARY KEY,     -- join order among equal joined_at
    challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    user_key     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    answer       TEXT NOT NULL DEFAULT '',
    joined_at    TEXT NOT NULL,
    covered      INTEGER,                 -- the three set by end_challenge
    total        INTEGER,
    points       INTEGER,
    UNIQUE (challenge_id, user_key)
);
CREATE INDEX challenge_entries_by_user ON challenge_entries (user_key, joined_at);

-- Points won, one row per (challenge, participant), stamped with the challenge's end so that a
-- board can be summed since an instant.
CREATE TABLE board_points (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id) ON DELETE CASCADE,
    user_key     TEXT NOT NULL,
    board        TEXT NOT NULL,
    points       INTEGER NOT NULL,
    won_at       TEXT NOT NULL,
    PRIMARY KEY (challenge_id, user_key)
);
CREATE INDEX board_points_by_board ON board_points (board, won_at);
CREATE INDEX board_points_by_user ON board_points (user_key);

-- Ending a challenge is one INSERT into this view: `scores` is a JSON array of
-- {"user", "covered", "total", "points"}. It ends the challenge once (a second end aborts and
-- changes nothing), scores the entries, writes the ledger and cancels the reveal job if it is
-- still pending (a claimed reveal job is the one ending it: its sweeper finishes it).
CREATE VIEW challenge_endings AS
    SELECT id AS challenge_id, ended_at, '' AS scores FROM challenges WHERE 0;

CREATE TRIGGER challenge_end INSTEAD OF INSERT ON challenge_endings
BEGIN
    SELECT RAISE(ABORT, 'rungs: challenge over')
    WHERE NOT EXISTS (
        SELECT 1 FROM challenges WHERE id = NEW.challenge_id AND ended_at IS NULL
    );
    UPDATE challenges SET ended_at = NEW.ended_at WHERE id = NEW.challenge_id;
    UPDATE challenge_entries
    SET covered = json_extract(score.value, '$.covered'),
        total = json_extract(score.value, '$.total'),
        points = json_extract(score.value, '$.points')
    FROM json_each(NEW.scores) AS score
    WHERE challenge_entries.challenge_id = NEW.challenge_id
      AND challenge_entries.user_key = json_extract(score.value, '$.user');
    INSERT INTO board_points (challenge_id, user_key, board, points, won_at)
        SELECT e.challenge_id, e.user_key, c.board, e.points, NEW.ended_at
        FROM challenge_entries AS e JOIN challenges AS c ON c.id = e.challenge_id
        WHERE e.challenge_id = NEW.challenge_id AND e.points IS NOT NULL;
    DELETE FROM jobs
    WHERE key = 'challenge:' || NEW.challenge_id AND done_at IS NULL AND claimed_by IS NULL;
END;

-- A channel's daily drill: the spec and the key of the pending job of its next post.
CREATE TABLE schedules (
    scope   TEXT PRIMARY KEY,
    spec    TEXT NOT NULL,                -- JSON: local time, time zone, topic, who set it
    job_key TEXT NOT NULL
);

-- A schedule's pending job goes with it (clear_schedule is one DELETE). A claimed job is being
-- delivered: it stays, and its advance_schedule finds the schedule gone.
CREATE TRIGGER schedule_cleared AFTER DELETE ON schedules
BEGIN
    DELETE FROM jobs WHERE key = OLD.job_key AND done_at IS NULL AND claimed_by IS NULL;
END;

-- Setting a schedule: cancel the old pending job first (its key may be the new one's), then
-- schedule the first run and point the schedule at it.
CREATE VIEW schedule_sets AS
    SELECT scope, spec, job_key AS key, '' AS kind, '' AS platform, '' AS target,
           '' AS payload, '' AS due_at
    FROM schedules WHERE 0;

CREATE TRIGGER schedule_set INSTEAD OF INSERT ON schedule_sets
BEGIN
    DELETE FROM jobs
    WHERE key = (SELECT job_key FROM schedules WHERE scope = NEW.scope)
      AND done_at IS NULL AND claimed_by IS NULL;
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
        VALUES (NEW.key, NEW.kind, NEW.platform, NEW.target, NEW.payload, NEW.due_at)
        ON CONFLICT (key) DO NOTHING;
    INSERT INTO schedules (scope, spec, job_key) VALUES (NEW.scope, NEW.spec, NEW.key)
        ON CONFLICT (scope) DO UPDATE SET spec = excluded.spec, job_key = excluded.job_key;
END;

-- Advancing a schedule after a daily post: the job is finished only by the node holding it
-- (else abort, changing nothing); the next run is scheduled only if the schedule still points at
-- the finished job. The job row records the key it was followed by (next_key), which is how the
-- store learns which way it went: a done row never changes again, so reading it back is safe.
CREATE VIEW schedule_advances AS
    SELECT scope, job_key, 0 AS job_id, '' AS node, '' AS now, '' AS key, '' AS kind,
           '' AS platform, '' AS target, '' AS payload, '' AS due_at
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
    UPDATE schedules SET job_key = NEW.key WHERE scope = NEW.scope AND job_key = NEW.job_key;
END;

-- Forgetting a user also takes their challenge entries and points; the challenges they started
-- belong to their channels and stay, without their key.
DROP TRIGGER user_delete;

CREATE TRIGGER user_delete INSTEAD OF INSERT ON user_deletions
BEGIN
    DELETE FROM drill_sessions WHERE user_key = NEW.user_key;
    DELETE FROM reviews WHERE user_key = NEW.user_key;
    DELETE FROM user_settings WHERE user_key = NEW.user_key;
    DELETE FROM challenge_entries WHERE user_key = NEW.user_key;
    DELETE FROM board_points WHERE user_key = NEW.user_key;
    UPDATE challenges SET starter = '' WHERE starter = NEW.user_key;
END;
