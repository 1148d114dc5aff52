-- /settings images=on|off: whether the caller's replies carry pictures (on unless turned off).
ALTER TABLE user_settings ADD COLUMN images BOOLEAN NOT NULL DEFAULT TRUE;
