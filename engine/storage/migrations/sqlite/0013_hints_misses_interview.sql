-- The study path (issue 16): hints taken during a drill, a review of misses in progress, and
-- an interview date that the review schedule aims at.
--
-- drill_sessions.hints: JSON, the checklist item ids the attempt's hints pointed at, in order.
ALTER TABLE drill_sessions ADD COLUMN hints TEXT NOT NULL DEFAULT '[]';

-- One review of misses per user at a time: the engine's document (engine/study/misses.py).
CREATE TABLE miss_reviews (
    user_key   TEXT PRIMARY KEY,
    review     TEXT NOT NULL,
    started_at TEXT NOT NULL
);

-- A local date, YYYY-MM-DD; NULL: no interview set.
ALTER TABLE user_settings ADD COLUMN interview TEXT;

-- Forgetting a user forgets their review of misses too (and, as 0010 made it, their nudges).
DROP TRIGGER user_delete;

CREATE TRIGGER user_delete INSTEAD OF INSERT ON user_deletions
BEGIN
    DELETE FROM drill_sessions WHERE user_key = NEW.user_key;
    DELETE FROM reviews WHERE user_key = NEW.user_key;
    DELETE FROM user_settings WHERE user_key = NEW.user_key;
    DELETE FROM challenge_entries WHERE user_key = NEW.user_key;
    DELETE FROM board_points WHERE user_key = NEW.user_key;
    DELETE FROM miss_reviews WHERE user_key = NEW.user_key;
    UPDATE challenges SET starter = '' WHERE starter = NEW.user_key;
    DELETE FROM jobs WHERE kind = 'drill_nudge' AND json_extract(payload, '$.user') = NEW.user_key;
END;
