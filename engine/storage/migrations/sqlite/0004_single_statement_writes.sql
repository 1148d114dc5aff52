-- Rating a drill and forgetting a user each write several tables. Doing that in one INSERT into
-- a view, whose trigger does the work, keeps each one atomic in autocommit mode and one trip to
-- aiosqlite's thread: an explicit BEGIN ... COMMIT took four trips, queued behind every other
-- user's statements, and other coroutines' statements on the shared connection could slip into it.

CREATE VIEW session_ratings AS
    SELECT id AS session_id, user_key, rating, drill_id, '' AS card, '' AS due
    FROM drill_sessions WHERE 0;

CREATE TRIGGER session_rate INSTEAD OF INSERT ON session_ratings
BEGIN
    SELECT RAISE(ABORT, 'rungs: not rateable')
    WHERE NOT EXISTS (
        SELECT 1 FROM drill_sessions
        WHERE id = NEW.session_id AND user_key = NEW.user_key
          AND outcome = 'revealed' AND rating IS NULL
    );
    UPDATE drill_sessions SET rating = NEW.rating WHERE id = NEW.session_id;
    INSERT INTO reviews (user_key, drill_id, card, due)
        VALUES (NEW.user_key, NEW.drill_id, NEW.card, NEW.due)
        ON CONFLICT (user_key, drill_id) DO UPDATE SET card = excluded.card, due = excluded.due;
END;

CREATE VIEW user_deletions AS SELECT user_key FROM user_settings WHERE 0;

CREATE TRIGGER user_delete INSTEAD OF INSERT ON user_deletions
BEGIN
    DELETE FROM drill_sessions WHERE user_key = NEW.user_key;
    DELETE FROM reviews WHERE user_key = NEW.user_key;
    DELETE FROM user_settings WHERE user_key = NEW.user_key;
END;
