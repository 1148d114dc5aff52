"""Seen request keys on SQLite (migration 0009): one INSERT that does nothing on a key already
there, so two nodes racing on one request see one winner; old keys are pruned in passing."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from engine.storage.sqlite_times import iso

FORGET = "DELETE FROM seen_requests WHERE seen_at < ?"
SEE = "INSERT INTO seen_requests (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"


class SqliteRequests:
    _db: aiosqlite.Connection

    async def first_sighting(self, key: str, now: datetime, keep: timedelta) -> bool:
        await self._db.execute(FORGET, (iso(now - keep),))
        cursor = await self._db.execute(SEE, (key, iso(now)))
        return cursor.rowcount > 0
