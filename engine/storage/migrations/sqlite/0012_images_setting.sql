-- /settings images=on|off: whether the caller's replies carry pictures (on unless turned off).
ALTER TABLE user_settings ADD COLUMN images INTEGER NOT NULL DEFAULT 1 CHECK (images IN (0, 1));

-- /settings channel_images=on|off: a channel's own choice, for everybody in it (its admins set
-- it). Keyed like clusters, by the channel's scope.
CREATE TABLE channel_settings (
    scope TEXT PRIMARY KEY,
    images INTEGER NOT NULL DEFAULT 1 CHECK (images IN (0, 1))
);
