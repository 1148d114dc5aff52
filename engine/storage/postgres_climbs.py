"""Climbs on PostgreSQL: the ladder-game half of `PostgresStore` (a mixin sharing its pool).
One statement per save, as for clusters: a first save yields to a racing one (ON CONFLICT DO
NOTHING), a later one writes only if the version it read is still stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.ports import Scope, StoredClimb
from engine.storage.codecs import scope_text

LOAD_CLIMB = "SELECT game, state, version FROM climbs WHERE scope = $1"

# $1 scope, $2 game, $3 state, $4 now, $5 expected version.
SAVE_CLIMB = """
WITH inserted AS (
    INSERT INTO climbs (scope, version, game, state, updated_at)
    SELECT $1::text, 1, $2::bigint, $3::text, $4::timestamptz
    WHERE $5::bigint = 0
    ON CONFLICT (scope) DO NOTHING
    RETURNING scope
), updated AS (
    UPDATE climbs SET version = version + 1, game = $2::bigint, state = $3::text,
        updated_at = $4::timestamptz
    WHERE scope = $1::text AND version = $5::bigint AND $5::bigint > 0
    RETURNING scope
)
SELECT (SELECT count(*) FROM inserted) + (SELECT count(*) FROM updated)
"""


class PostgresClimbs:
    _pool: Any  # asyncpg ships no type hints

    async def load_climb(self, scope: Scope) -> StoredClimb | None:
        row = await self._pool.fetchrow(LOAD_CLIMB, scope_text(scope))
        if row is None:
            return None
        return StoredClimb(int(row["game"]), str(row["state"]), int(row["version"]))

    async def save_climb(
        self, scope: Scope, game: int, document: str, expected_version: int, now: datetime
    ) -> bool:
        saved = await self._pool.fetchval(
            SAVE_CLIMB, scope_text(scope), game, document, now, expected_version
        )
        return int(saved) == 1
