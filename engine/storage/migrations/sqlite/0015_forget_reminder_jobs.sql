-- Forgetting a user forgets the jobs of their review reminders too: each names them (its
-- payload, its key, the key of the next one), and a sent or refused reminder's row stays in
-- `jobs` once done. The rest is as 0013 made it.
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
    DELETE FROM jobs WHERE kind IN ('drill_nudge', 'review_reminder')
        AND json_extract(payload, '$.user') = NEW.user_key;
END;
