"""Clusters and their trace ring on SQLite: the cluster half of `SqliteStore` (a mixin sharing its
connection).

A save is one INSERT into the view `cluster_saves` (migrations 0001, 0002), whose trigger checks
the version and writes the cluster and its trace; a version that moved on raises, which rolls the
statement back. Several saves go in one multi-row INSERT, so a batch is one statement, one commit
and one trip to aiosqlite's thread; if any of them conflicts, the whole statement is undone and
the saves are made one by one, so that the others still land (conflicts need another process
saving the same scope: rare).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

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
from engine.storage.sqlite_times import iso

CONFLICT = "rungs: version conflict"
MAX_BATCH = 64  # saves in one statement (6 parameters each)
_SAVE_COLUMNS = "(scope, expected_version, state, updated_at, trace_no, trace)"
_ROW = "(?, ?, ?, ?, ?, ?)"


class SqliteClusters:
    _db: aiosqlite.Connection

    async def load_cluster(self, scope: Scope) -> StoredCluster | None:
        rows = await self._db.execute_fetchall(
            "SELECT state, version FROM clusters WHERE scope = ?", (scope_text(scope),)
        )
        for state, version in rows:
            return StoredCluster(state, version)
        return None

    async def save_cluster(
        self,
        scope: Scope,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        return await self._save_one(ClusterSave(scope, document, expected_version, now, trace))

    async def save_clusters(self, saves: Sequence[ClusterSave]) -> list[bool]:
        results: list[bool] = []
        for start in range(0, len(saves), MAX_BATCH):
            batch = saves[start : start + MAX_BATCH]
            if len(batch) == 1 or any(save.change is not None for save in batch):
                results.append(await self._save_one(batch[0]))
                continue
            values = [value for save in batch for value in _values(save)]
            rows = ", ".join([_ROW] * len(batch))
            sql = f"INSERT INTO cluster_saves {_SAVE_COLUMNS} VALUES {rows}"  # noqa: S608
            try:
                await self._db.execute(sql, values)
            except sqlite3.IntegrityError as exc:
                if CONFLICT not in str(exc):
                    raise
                results += [await self._save_one(save) for save in batch]
            else:
                results += [True] * len(batch)
        return results

    async def _save_one(self, save: ClusterSave) -> bool:
        try:
            if save.change is None:
                await self._db.execute(
                    f"INSERT INTO cluster_saves {_SAVE_COLUMNS} VALUES {_ROW}",  # noqa: S608
                    _values(save),
                )
            else:  # a /cluster change and its history row (migration 0014), in one statement
                note = save.change
                await self._db.execute(
                    "INSERT INTO cluster_change_saves (scope, expected_version, state, "
                    "updated_at, user_id, words, before, undo_of) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        scope_text(save.scope),
                        save.expected_version,
                        save.document,
                        iso(save.at),
                        note.user_id,
                        note.words,
                        note.before,
                        note.undo_of,
                    ),
                )
        except sqlite3.IntegrityError as exc:
            if CONFLICT in str(exc):
                return False
            raise
        return True

    async def delete_cluster(self, scope: Scope) -> int:
        key = scope_text(scope)
        rows = await self._db.execute_fetchall(
            "SELECT (SELECT count(*) FROM clusters WHERE scope = ?1) "
            "+ (SELECT count(*) FROM traces WHERE scope = ?1) "
            "+ (SELECT count(*) FROM climbs WHERE scope = ?1)",
            (key,),
        )
        # The cluster (its traces cascade) and the climb, in one statement (migration 0011).
        await self._db.execute("INSERT INTO scope_deletions (scope) VALUES (?)", (key,))
        return next((int(count) for (count,) in rows), 0)

    async def load_trace(self, scope: Scope, trace_no: int) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT body FROM traces WHERE scope = ? AND slot = ? AND trace_no = ?",
            (scope_text(scope), trace_no % TRACE_RING, trace_no),
        )
        for (body,) in rows:
            return str(body)
        return None

    async def load_channel_settings(self, scope: Scope) -> ChannelSettings | None:
        rows = await self._db.execute_fetchall(
            "SELECT images FROM channel_settings WHERE scope = ?", (scope_text(scope),)
        )
        return next((ChannelSettings(bool(images)) for (images,) in rows), None)

    async def save_channel_settings(self, scope: Scope, settings: ChannelSettings) -> None:
        await self._db.execute(
            "INSERT INTO channel_settings (scope, images) VALUES (?, ?) "
            "ON CONFLICT (scope) DO UPDATE SET images = excluded.images",
            (scope_text(scope), int(settings.images)),
        )

    # A workspace's scopes are the keys that start with `platform:workspace:`; instr() and
    # substr() compare exactly (LIKE would read % and _ in an id as wildcards).
    async def scopes_mentioning(self, board: Board, text: str) -> list[Scope]:
        rows = await self._db.execute_fetchall(
            "SELECT scope FROM clusters WHERE substr(scope, 1, length(?1)) = ?1 "
            "AND instr(state, ?2) > 0 "
            "UNION SELECT scope FROM traces WHERE substr(scope, 1, length(?1)) = ?1 "
            "AND instr(body, ?2) > 0 ORDER BY 1",
            (board_text(board) + ":", text),
        )
        return [scope_of(scope) for (scope,) in rows]

    async def delete_traces_mentioning(self, board: Board, text: str) -> int:
        cursor = await self._db.execute(
            "DELETE FROM traces WHERE substr(scope, 1, length(?1)) = ?1 AND instr(body, ?2) > 0",
            (board_text(board) + ":", text),
        )
        return cursor.rowcount


def _values(save: ClusterSave) -> tuple[object, ...]:
    trace = save.trace
    return (
        scope_text(save.scope),
        save.expected_version,
        save.document,
        iso(save.at),
        None if trace is None else trace.trace_no,
        None if trace is None else trace.document,
    )
