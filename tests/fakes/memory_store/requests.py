"""The requests port in memory: keys seen, forgotten after `keep`."""

from __future__ import annotations

from datetime import datetime, timedelta

from .data import MemoryData, utc


class MemoryRequests:
    _data: MemoryData

    async def first_sighting(self, key: str, now: datetime, keep: timedelta) -> bool:
        seen = self._data.seen_requests
        for old in [k for k, at in seen.items() if at < now - keep]:
            del seen[old]
        if key in seen:
            return False
        seen[key] = utc(now)
        return True
