-- Settings as columns instead of a JSON document, and the reveal job's key chosen by the engine.
--
-- user_settings: `tz` (an IANA zone name, NULL for the default UTC) and `leaderboard_visible`,
-- read out of the old document; a document that is not valid JSON keeps the defaults, as the
-- leaderboard already treated it.
ALTER TABLE user_settings ADD COLUMN tz TEXT;
ALTER TABLE user_settings ADD COLUMN leaderboard_visible INTEGER NOT NULL DEFAULT 1
    CHECK (leaderboard_visible IN (0, 1));
UPDATE user_settings SET
    tz = CASE WHEN json_valid(settings)
              THEN CASE WHEN json_type(settings, '$.tz') = 'text'
                        THEN json_extract(settings, '$.tz') END END,
    leaderboard_visible = CASE WHEN json_valid(settings)
                               THEN CASE WHEN json_extract(settings, '$.leaderboard') = 'off'
                                         THEN 0 ELSE 1 END
                               ELSE 1 END;
ALTER TABLE user_settings DROP COLUMN settings;

-- A challenge names its reveal job by the job's key, which the engine makes (it used to be
-- `challenge:<id>`, made here by a trigger; existing challenges keep that key).
ALTER TABLE challenges ADD COLUMN reveal_key TEXT;
UPDATE challenges SET reveal_key = 'challenge:' || id;
CREATE UNIQUE INDEX challenges_by_reveal ON challenges (reveal_key);
DROP TRIGGER challenge_reveal_job;

-- Starting a challenge is one INSERT into this view: the challenge, and its reveal job exactly
-- as given, only if the challenge went in (a running challenge in the channel makes both a
-- no-op). The store reads the row back by its reveal key.
CREATE VIEW challenge_starts AS
    SELECT scope, board, drill_id, params, starter, started_at, deadline, target, reveal_key,
           '' AS job_kind, '' AS job_platform, '' AS job_target, '' AS job_payload,
           '' AS job_due_at
    FROM challenges WHERE 0;

CREATE TRIGGER challenge_start INSTEAD OF INSERT ON challenge_starts
BEGIN
    INSERT INTO challenges
        (scope, board, drill_id, params, starter, started_at, deadline, target, reveal_key)
    VALUES (NEW.scope, NEW.board, NEW.drill_id, NEW.params, NEW.starter, NEW.started_at,
            NEW.deadline, NEW.target, NEW.reveal_key)
    ON CONFLICT (scope) WHERE ended_at IS NULL DO NOTHING;
    INSERT INTO jobs (key, kind, platform, target, payload, due_at)
        SELECT NEW.reveal_key, NEW.job_kind, NEW.job_platform, NEW.job_target,
               NEW.job_payload, NEW.job_due_at
        WHERE EXISTS (SELECT 1 FROM challenges WHERE reveal_key = NEW.reveal_key)
        ON CONFLICT (key) DO NOTHING;
END;

-- Ending cancels the challenge's own reveal job, by the key it was started with.
DROP TRIGGER challenge_end;

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
    WHERE key = (SELECT reveal_key FROM challenges WHERE id = NEW.challenge_id)
      AND done_at IS NULL AND claimed_by IS NULL;
END;
