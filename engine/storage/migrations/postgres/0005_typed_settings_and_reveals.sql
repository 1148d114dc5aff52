-- Settings as columns instead of a JSON document, and the reveal job's key chosen by the engine
-- (the PostgreSQL twin of sqlite/0007).
--
-- user_settings: `tz` (an IANA zone name, NULL for the default UTC) and `leaderboard_visible`,
-- read out of the old document; a document that is not valid JSON keeps the defaults, as the
-- leaderboard already treated it (PostgreSQL 15 has no IS JSON, hence the exception handler).
ALTER TABLE user_settings
    ADD COLUMN tz text,
    ADD COLUMN leaderboard_visible boolean NOT NULL DEFAULT true;

CREATE FUNCTION rungs_settings_document(settings text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN settings::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN NULL;
END
$$;

UPDATE user_settings AS s SET
    tz = CASE WHEN jsonb_typeof(doc.body -> 'tz') = 'string' THEN doc.body ->> 'tz' END,
    leaderboard_visible = coalesce(doc.body ->> 'leaderboard', '') <> 'off'
FROM (SELECT user_key, rungs_settings_document(settings) AS body FROM user_settings) AS doc
WHERE doc.user_key = s.user_key;

ALTER TABLE user_settings DROP COLUMN settings;
DROP FUNCTION rungs_settings_document(text);
DROP FUNCTION rungs_leaderboard_off(text);

-- A challenge names its reveal job by the job's key, which the engine makes (it used to be
-- `challenge:<id>`, made by the store's SQL; existing challenges keep that key).
ALTER TABLE challenges ADD COLUMN reveal_key text;
UPDATE challenges SET reveal_key = 'challenge:' || id;
ALTER TABLE challenges ALTER COLUMN reveal_key SET NOT NULL;
CREATE UNIQUE INDEX challenges_by_reveal ON challenges (reveal_key);
