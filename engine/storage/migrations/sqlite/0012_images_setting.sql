-- /settings images=on|off: whether the caller's replies carry pictures (on unless turned off).
ALTER TABLE user_settings ADD COLUMN images INTEGER NOT NULL DEFAULT 1 CHECK (images IN (0, 1));
