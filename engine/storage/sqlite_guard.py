"""The SQLite connection as the store uses it, with the database's own failures named.

A write that meets a read-only file, a full disk or a damaged page raises sqlite3's error deep
in a store method; here it becomes a StoreUnavailableError whose message names the fault (so
the command's reply says it, rather than "something went wrong on our side"), and the log gets
one line with the file. Every other error (a version conflict raised by a trigger, a bug)
passes through untouched.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiosqlite

from engine.errors import StoreUnavailableError
from engine.storage.faults import fault_of

log = logging.getLogger(__name__)


class GuardedConnection:
    """The aiosqlite methods the store calls (each awaited at once, never as a context)."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._path = path

    async def execute(self, sql: str, parameters: Any = None) -> aiosqlite.Cursor:
        try:
            return await self._connection.execute(sql, parameters)
        except (sqlite3.Error, OSError) as exc:
            raise self._named(exc) from exc

    async def execute_fetchall(self, sql: str, parameters: Any = None) -> Iterable[sqlite3.Row]:
        try:
            return await self._connection.execute_fetchall(sql, parameters)
        except (sqlite3.Error, OSError) as exc:
            raise self._named(exc) from exc

    async def execute_insert(self, sql: str, parameters: Any = None) -> sqlite3.Row | None:
        try:
            return await self._connection.execute_insert(sql, parameters)
        except (sqlite3.Error, OSError) as exc:
            raise self._named(exc) from exc

    async def close(self) -> None:
        await self._connection.close()

    def _named(self, exc: BaseException) -> BaseException:
        fault = fault_of(exc, self._path)
        if fault is None:
            return exc
        log.warning("%s", fault.message)
        return StoreUnavailableError(fault.user_message)
