"""`MemoryStore`: every in-memory port together, over one `MemoryData`."""

from __future__ import annotations

from .challenges import MemoryChallenges
from .clusters import MemoryClusters
from .data import MemoryData
from .drills import MemoryDrills
from .requests import MemoryRequests
from .schedules import MemorySchedules


class MemoryStore(MemoryClusters, MemoryDrills, MemoryChallenges, MemorySchedules, MemoryRequests):
    def __init__(self, data: MemoryData | None = None) -> None:
        self._data = data if data is not None else MemoryData()
        self.closed = False

    async def close(self) -> None:
        self.closed = True
