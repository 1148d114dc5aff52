"""`MemoryStore`: every in-memory port together, over one `MemoryData`."""

from __future__ import annotations

from .challenges import MemoryChallenges
from .climbs import MemoryClimbs
from .clusters import MemoryClusters
from .data import MemoryData
from .drills import MemoryDrills
from .exports import MemoryExports
from .requests import MemoryRequests
from .schedules import MemorySchedules
from .study import MemoryStudy


class MemoryStore(
    MemoryClusters,
    MemoryDrills,
    MemoryChallenges,
    MemorySchedules,
    MemoryClimbs,
    MemoryStudy,
    MemoryRequests,
    MemoryExports,
):
    def __init__(self, data: MemoryData | None = None) -> None:
        self._data = data if data is not None else MemoryData()
        self.closed = False

    async def ping(self) -> None:
        if self.closed:
            raise RuntimeError("the store is closed")

    async def close(self) -> None:
        self.closed = True
