"""The study port: a learner's review of misses in progress (the engine's document)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from engine.ports.keys import UserKey


class StudyStore(Protocol):
    async def load_miss_review(self, user: UserKey) -> str | None:
        """The stored review of misses (engine/study/misses.py's document); None if none."""
        ...

    async def save_miss_review(self, user: UserKey, review: str, started_at: datetime) -> None:
        """Store the user's review of misses, replacing theirs (`started_at` is kept from the
        first save)."""
        ...

    async def clear_miss_review(self, user: UserKey) -> bool:
        """Drop the user's review of misses; False if they had none."""
        ...
