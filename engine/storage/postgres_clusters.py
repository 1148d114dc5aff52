"""Clusters and their trace ring on PostgreSQL: the cluster half of `PostgresStore` (a mixin
sharing its pool).

`save_cluster` puts the version check and both writes into one statement of data-modifying CTEs
(`SAVE_CLUSTER`); the row lock PostgreSQL takes on the cluster row serialises racing savers, and
under READ COMMITTED the loser re-reads the row once the winner commits, finds the version moved
on and writes nothing. A batch of saves is that statement once per save, sent together over the
pool: each is its own transaction, so a conflict in one leaves the others alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from engine.ports import (
    TRACE_RING,
    Board,
    ChannelSettings,
    ClusterSave,
    Scope,
    StoredCluster,
    StoredTrace,
)
from engine.storage.codecs import board_text, scope_of, scope_text
from engine.storage.postgres_history import save_noted

LOAD_CLUSTER = "SELECT state, version FROM clusters WHERE scope = $1"
LOAD_CHANNEL = "SELECT images FROM channel_settings WHERE scope = $1"
SAVE_CHANNEL = (
    "INSERT INTO channel_settings (scope, images) VALUES ($1, $2) "
    "ON CONFLICT (scope) DO UPDATE SET images = excluded.images"
)

# $1 scope, $2 expected version, $3 state, $4 now, $5 slot, $6 trace_no, $7 trace body (or NULL).
# Exactly one of `inserted` (expected 0: nothing stored yet) and `updated` (expected N > 0) can
# write, and each writes only if the stored version is still the expected one; `ring` writes the
# trace only if one of them did. So a stale save changes nothing, and the whole save is atomic
# because it is one statement. ON CONFLICT DO NOTHING makes a racing first save wait for the
# other's insert and then yield; the UPDATE's WHERE is re-checked after waiting for the row lock.
SAVE_CLUSTER = """
WITH inserted AS (
    INSERT INTO clusters (scope, version, state, updated_at)
    SELECT $1::text, 1, $3::text, $4::timestamptz
    WHERE $2::bigint = 0
    ON CONFLICT (scope) DO NOTHING
    RETURNING scope
), updated AS (
    UPDATE clusters SET version = version + 1, state = $3::text, updated_at = $4::timestamptz
    WHERE scope = $1::text AND version = $2::bigint AND $2::bigint > 0
    RETURNING scope
), saved AS (
    SELECT scope FROM inserted UNION ALL SELECT scope FROM updated
), ring AS (
    INSERT INTO traces (scope, slot, trace_no, body, created_at)
    SELECT scope, $5::smallint, $6::bigint, $7::text, $4::timestamptz
    FROM saved WHERE $7::text IS NOT NULL
    ON CONFLICT (scope, slot) DO UPDATE SET
        trace_no = excluded.trace_no, body = excluded.body, created_at = excluded.created_at
)
SELECT count(*) FROM saved
"""

LOAD_TRACE = "SELECT body FROM traces WHERE scope = $1 AND slot = $2 AND trace_no = $3"

# A workspace's scopes are the keys that start with `platform:workspace:`; left() and strpos()
# compare exactly (LIKE would read % and _ in an id as wildcards).
SCOPES_MENTIONING = """
SELECT scope FROM clusters WHERE left(scope, length($1)) = $1 AND strpos(state, $2) > 0
UNION SELECT scope FROM traces WHERE left(scope, length($1)) = $1 AND strpos(body, $2) > 0
ORDER BY 1
"""

DELETE_TRACES_MENTIONING = """
WITH gone AS (
    DELETE FROM traces WHERE left(scope, length($1)) = $1 AND strpos(body, $2) > 0 RETURNING 1
)
SELECT count(*) FROM gone
"""

DELETE_CLUSTER = """
WITH gone AS (DELETE FROM clusters WHERE scope = $1 RETURNING scope),
climb AS (DELETE FROM climbs WHERE scope = $1 RETURNING scope)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM traces WHERE scope = $1)
    + (SELECT count(*) FROM climb)
"""


class PostgresClusters:
    _pool: Any  # asyncpg ships no type hints

    async def load_cluster(self, scope: Scope) -> StoredCluster | None:
        row = await self._pool.fetchrow(LOAD_CLUSTER, scope_text(scope))
        if row is None:
            return None
        return StoredCluster(str(row["state"]), int(row["version"]))

    async def save_cluster(
        self,
        scope: Scope,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        return await self._save(ClusterSave(scope, document, expected_version, now, trace))

    async def save_clusters(self, saves: Sequence[ClusterSave]) -> list[bool]:
        return list(await asyncio.gather(*(self._save(save) for save in saves)))

    async def _save(self, save: ClusterSave) -> bool:
        trace = save.trace
        args = (
            scope_text(save.scope),
            save.expected_version,
            save.document,
            save.at,
            None if trace is None else trace.trace_no % TRACE_RING,
            None if trace is None else trace.trace_no,
            None if trace is None else trace.document,
        )
        if save.change is not None:  # a /cluster change: with its history row (postgres_history)
            return await save_noted(self._pool, save, SAVE_CLUSTER, *args)
        saved = await self._pool.fetchval(SAVE_CLUSTER, *args)
        return bool(saved == 1)

    async def delete_cluster(self, scope: Scope) -> int:
        return int(await self._pool.fetchval(DELETE_CLUSTER, scope_text(scope)) or 0)

    async def load_trace(self, scope: Scope, trace_no: int) -> str | None:
        body = await self._pool.fetchval(
            LOAD_TRACE, scope_text(scope), trace_no % TRACE_RING, trace_no
        )
        return None if body is None else str(body)

    async def load_channel_settings(self, scope: Scope) -> ChannelSettings | None:
        row = await self._pool.fetchrow(LOAD_CHANNEL, scope_text(scope))
        return None if row is None else ChannelSettings(bool(row["images"]))

    async def save_channel_settings(self, scope: Scope, settings: ChannelSettings) -> None:
        await self._pool.execute(SAVE_CHANNEL, scope_text(scope), settings.images)

    async def scopes_mentioning(self, board: Board, text: str) -> list[Scope]:
        rows = await self._pool.fetch(SCOPES_MENTIONING, board_text(board) + ":", text)
        return [scope_of(row["scope"]) for row in rows]

    async def delete_traces_mentioning(self, board: Board, text: str) -> int:
        gone = await self._pool.fetchval(DELETE_TRACES_MENTIONING, board_text(board) + ":", text)
        return int(gone or 0)
