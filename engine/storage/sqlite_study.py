"""The study port on SQLite: a learner's review of misses (a mixin sharing the connection)."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from engine.ports import UserKey
from engine.storage.codecs import user_text as key
from engine.storage.sqlite_times import iso


class SqliteStudy:
    _db: aiosqlite.Connection

    async def load_miss_review(self, user: UserKey) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT review FROM miss_reviews WHERE user_key = ?", (key(user),)
        )
        return next((str(review) for (review,) in rows), None)

    async def save_miss_review(self, user: UserKey, review: str, started_at: datetime) -> None:
        await self._db.execute(
            "INSERT INTO miss_reviews (user_key, review, started_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET review = excluded.review",
            (key(user), review, iso(started_at)),
        )

    async def clear_miss_review(self, user: UserKey) -> bool:
        cursor = await self._db.execute("DELETE FROM miss_reviews WHERE user_key = ?", (key(user),))
        return cursor.rowcount > 0
