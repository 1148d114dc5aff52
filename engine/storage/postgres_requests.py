"""Seen request keys on PostgreSQL (migration 0007): one INSERT that does nothing on a key
already there, so two nodes racing on one request see one winner; old keys are pruned in
passing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

FORGET = "DELETE FROM seen_requests WHERE seen_at < $1::timestamptz"
SEE = """
INSERT INTO seen_requests (key, seen_at) VALUES ($1::text, $2::timestamptz)
ON CONFLICT (key) DO NOTHING
"""


class PostgresRequests:
    _pool: Any  # asyncpg ships no type hints

    async def first_sighting(self, key: str, now: datetime, keep: timedelta) -> bool:
        await self._pool.execute(FORGET, now - keep)
        status: str = await self._pool.execute(SEE, key, now)
        return int(status.rpartition(" ")[2]) > 0
