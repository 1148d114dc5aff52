"""The climbs port in memory."""

from __future__ import annotations

from datetime import datetime

from engine.ports import Scope, StoredClimb

from .data import MemoryData


class MemoryClimbs:
    _data: MemoryData

    async def load_climb(self, scope: Scope) -> StoredClimb | None:
        stored = self._data.climbs.get(scope)
        return None if stored is None else StoredClimb(*stored)

    async def save_climb(
        self, scope: Scope, game: int, document: str, expected_version: int, now: datetime
    ) -> bool:
        stored = self._data.climbs.get(scope)
        if (stored[2] if stored else 0) != expected_version:
            return False
        self._data.climbs[scope] = (game, document, expected_version + 1)
        return True
