"""The history of each scope's cluster changes on PostgreSQL (a mixin sharing the pool).

A change is saved with its row in one transaction (`save_noted`, used by postgres_clusters):
the cluster save (the same version-checked statement as every save), an undo's mark on the
change it reverts (only if that change is not undone already: two undos at once cannot both
apply), the row itself, and the trim to the latest HISTORY_KEPT. Traces never come here: their
saves stay one statement.
"""

from __future__ import annotations

from typing import Any

from engine.ports import HISTORY_KEPT, Board, ClusterSave, HistoryEntry, Scope
from engine.storage.codecs import board_text, scope_text

MARK_UNDONE = """
UPDATE cluster_changes SET undone = true, before = NULL
WHERE id = $1::bigint AND scope = $2::text AND NOT undone AND before IS NOT NULL
"""
ADD_CHANGE = """
INSERT INTO cluster_changes (scope, at, user_id, words, before, undo_of)
VALUES ($1::text, $2::timestamptz, $3::text, $4::text, $5::text, $6::bigint)
"""
TRIM = """
DELETE FROM cluster_changes WHERE scope = $1::text AND id <= (
    SELECT id FROM cluster_changes WHERE scope = $1::text ORDER BY id DESC LIMIT 1 OFFSET $2::int
)
"""
HISTORY = """
SELECT id, at, user_id, words, undo_of, undone, before FROM cluster_changes
WHERE scope = $1::text ORDER BY id DESC LIMIT $2::int
"""
FORGET = """
UPDATE cluster_changes SET
    user_id = CASE WHEN user_id = $2::text THEN '' ELSE user_id END,
    before = CASE WHEN strpos(before, $3::text) > 0 THEN NULL ELSE before END
WHERE left(scope, length($1::text)) = $1::text
  AND (user_id = $2::text OR strpos(before, $3::text) > 0)
"""


class _Rollback(Exception):
    pass


async def save_noted(pool: Any, save: ClusterSave, save_statement: str, *args: object) -> bool:
    """Save a /cluster change and its history row in one transaction."""
    note = save.change
    assert note is not None
    where = scope_text(save.scope)
    try:
        async with pool.acquire() as connection, connection.transaction():
            if note.undo_of is not None:
                marked = await connection.execute(MARK_UNDONE, note.undo_of, where)
                if not marked.endswith(" 1"):
                    raise _Rollback
            if await connection.fetchval(save_statement, *args) != 1:
                raise _Rollback
            await connection.execute(
                ADD_CHANGE, where, save.at, note.user_id, note.words, note.before, note.undo_of
            )
            await connection.execute(TRIM, where, HISTORY_KEPT)
    except _Rollback:
        return False
    return True


class PostgresHistory:
    _pool: Any  # asyncpg ships no type hints

    async def cluster_history(self, scope: Scope) -> list[HistoryEntry]:
        rows = await self._pool.fetch(HISTORY, scope_text(scope), HISTORY_KEPT)
        return [
            HistoryEntry(
                int(row["id"]),
                row["at"],
                str(row["user_id"]),
                str(row["words"]),
                None if row["undo_of"] is None else int(row["undo_of"]),
                bool(row["undone"]),
                None if row["before"] is None else str(row["before"]),
            )
            for row in rows
        ]

    async def forget_in_history(self, board: Board, user_id: str, text: str) -> int:
        status = await self._pool.execute(FORGET, board_text(board) + ":", user_id, text)
        return int(str(status).rsplit(" ", 1)[-1] or 0)
