"""The history of each scope's cluster changes on SQLite (a mixin sharing the connection).

Rows are written only with their change, by the save (sqlite_clusters, the view
cluster_change_saves of migration 0014), which also trims them to the latest HISTORY_KEPT; this
reads them and forgets a user in them."""

from __future__ import annotations

import aiosqlite

from engine.ports import HISTORY_KEPT, Board, HistoryEntry, Scope
from engine.storage.codecs import board_text, scope_text
from engine.storage.sqlite_times import instant


class SqliteHistory:
    _db: aiosqlite.Connection

    async def cluster_history(self, scope: Scope) -> list[HistoryEntry]:
        rows = await self._db.execute_fetchall(
            "SELECT id, at, user_id, words, undo_of, undone, before FROM cluster_changes "
            "WHERE scope = ? ORDER BY id DESC LIMIT ?",
            (scope_text(scope), HISTORY_KEPT),
        )
        return [
            HistoryEntry(
                int(id_),
                instant(at),
                str(user),
                str(words),
                None if undo_of is None else int(undo_of),
                bool(undone),
                None if before is None else str(before),
            )
            for id_, at, user, words, undo_of, undone, before in rows
        ]

    async def forget_in_history(self, board: Board, user_id: str, text: str) -> int:
        # One statement: blank the user's rows and drop the documents that name them.
        cursor = await self._db.execute(
            "UPDATE cluster_changes SET "
            "user_id = CASE WHEN user_id = ?2 THEN '' ELSE user_id END, "
            "before = CASE WHEN instr(before, ?3) > 0 THEN NULL ELSE before END "
            "WHERE substr(scope, 1, length(?1)) = ?1 "
            "AND (user_id = ?2 OR instr(before, ?3) > 0)",
            (board_text(board) + ":", user_id, text),
        )
        return cursor.rowcount
