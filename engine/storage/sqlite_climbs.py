"""Climbs on SQLite: the ladder-game half of `SqliteStore` (a mixin sharing its connection).
A save is one statement: the first an INSERT that yields to a racing first save, the others an
UPDATE that names the version it read."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from engine.ports import Scope, StoredClimb
from engine.storage.codecs import scope_text
from engine.storage.sqlite_times import iso


class SqliteClimbs:
    _db: aiosqlite.Connection

    async def load_climb(self, scope: Scope) -> StoredClimb | None:
        rows = await self._db.execute_fetchall(
            "SELECT game, state, version FROM climbs WHERE scope = ?", (scope_text(scope),)
        )
        for game, state, version in rows:
            return StoredClimb(int(game), str(state), int(version))
        return None

    async def save_climb(
        self, scope: Scope, game: int, document: str, expected_version: int, now: datetime
    ) -> bool:
        key = scope_text(scope)
        if expected_version == 0:
            cursor = await self._db.execute(
                "INSERT INTO climbs (scope, version, game, state, updated_at) "
                "VALUES (?, 1, ?, ?, ?) ON CONFLICT (scope) DO NOTHING",
                (key, game, document, iso(now)),
            )
        else:
            cursor = await self._db.execute(
                "UPDATE climbs SET version = version + 1, game = ?, state = ?, updated_at = ? "
                "WHERE scope = ? AND version = ?",
                (game, document, iso(now), key, expected_version),
            )
        return cursor.rowcount == 1
