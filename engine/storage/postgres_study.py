"""The study port on PostgreSQL: a learner's review of misses (a mixin sharing the pool)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.ports import UserKey
from engine.storage.codecs import user_text as key
from engine.storage.postgres_jobs import changed

SAVE_MISS_REVIEW = """
INSERT INTO miss_reviews (user_key, review, started_at) VALUES ($1::text, $2::text, $3)
ON CONFLICT (user_key) DO UPDATE SET review = excluded.review
"""


class PostgresStudy:
    _pool: Any  # asyncpg ships no type hints

    async def load_miss_review(self, user: UserKey) -> str | None:
        review = await self._pool.fetchval(
            "SELECT review FROM miss_reviews WHERE user_key = $1::text", key(user)
        )
        return None if review is None else str(review)

    async def save_miss_review(self, user: UserKey, review: str, started_at: datetime) -> None:
        await self._pool.execute(SAVE_MISS_REVIEW, key(user), review, started_at)

    async def clear_miss_review(self, user: UserKey) -> bool:
        status = await self._pool.execute(
            "DELETE FROM miss_reviews WHERE user_key = $1::text", key(user)
        )
        return changed(status)
