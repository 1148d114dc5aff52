"""The study port in memory: a learner's review of misses."""

from __future__ import annotations

from datetime import datetime

from engine.ports import UserKey

from .data import MemoryData


class MemoryStudy:
    _data: MemoryData

    async def load_miss_review(self, user: UserKey) -> str | None:
        return self._data.miss_reviews.get(user)

    async def save_miss_review(self, user: UserKey, review: str, started_at: datetime) -> None:
        self._data.miss_reviews[user] = review

    async def clear_miss_review(self, user: UserKey) -> bool:
        return self._data.miss_reviews.pop(user, None) is not None
