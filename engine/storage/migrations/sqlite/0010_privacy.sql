-- Privacy that holds (issue 13). Shared state names users by id from now on (engine/tutor/
-- names.py), so the stored traces written before, which carry display names in their text,
-- go: they are a ring of the latest 16 per scope, and a button on an old message answers
-- "run /trace again". The cluster documents are cleaned as they load (engine/sim/codec.py,
-- format 4).
DELETE FROM traces;

-- Forgetting a user also deletes their time's-up nudges, done or not: the payload names them,
-- and a nudge's key (its drill session's id) is never used again.
DROP TRIGGER user_delete;

CREATE TRIGGER user_delete INSTEAD OF INSERT ON user_deletions
BEGIN
    DELETE FROM drill_sessions WHERE user_key = NEW.user_key;
    DELETE FROM reviews WHERE user_key = NEW.user_key;
    DELETE FROM user_settings WHERE user_key = NEW.user_key;
    DELETE FROM challenge_entries WHERE user_key = NEW.user_key;
    DELETE FROM board_points WHERE user_key = NEW.user_key;
    UPDATE challenges SET starter = '' WHERE starter = NEW.user_key;
    DELETE FROM jobs WHERE kind = 'drill_nudge' AND json_extract(payload, '$.user') = NEW.user_key;
END;
