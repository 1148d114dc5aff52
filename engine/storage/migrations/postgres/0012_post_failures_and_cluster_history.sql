-- Issue 16, the rest (the PostgreSQL twin of sqlite/0014): a scheduled post that failed is kept
-- with its schedule.
--
-- schedules.failure: JSON text (as SQLite keeps it, so a copy between the two is exact); NULL
-- when the last post went out. Only advancing a schedule writes it.
ALTER TABLE schedules ADD COLUMN failure text;
