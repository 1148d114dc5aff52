"""The console adapter: a terminal tutor on a local SQLite file, interactive or scripted."""
