"""The SQLite store on aiosqlite: WAL, a busy timeout, foreign keys, numbered migrations.

The connection runs in autocommit mode and every store method writes with a single statement,
atomic on its own: a write that spans tables is an INSERT into a view whose trigger does the
work. So one method is one transaction and, mostly, one trip to aiosqlite's thread, and no other
coroutine's statement can slip into someone else's transaction. Each aggregate's methods live in
a mixin of its own sharing the connection (sqlite_clusters, sqlite_drills, sqlite_challenges,
sqlite_schedules, sqlite_jobs, sqlite_climbs); this module opens, migrates and closes.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

import aiosqlite

from engine.storage.faults import check_newer, check_writable, damaged, fault_of
from engine.storage.migrations import migrations
from engine.storage.sqlite_challenges import SqliteChallenges
from engine.storage.sqlite_climbs import SqliteClimbs
from engine.storage.sqlite_clusters import SqliteClusters
from engine.storage.sqlite_drills import SqliteDrills
from engine.storage.sqlite_exports import SqliteExports
from engine.storage.sqlite_guard import GuardedConnection
from engine.storage.sqlite_history import SqliteHistory
from engine.storage.sqlite_jobs import SqliteJobs
from engine.storage.sqlite_requests import SqliteRequests
from engine.storage.sqlite_schedules import SqliteSchedules
from engine.storage.sqlite_study import SqliteStudy

BUSY_TIMEOUT = timedelta(seconds=5)
MIN_SQLITE = (3, 35)


class SqliteStore(
    SqliteClusters,
    SqliteHistory,
    SqliteDrills,
    SqliteChallenges,
    SqliteSchedules,
    SqliteJobs,
    SqliteClimbs,
    SqliteStudy,
    SqliteRequests,
    SqliteExports,
):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    @classmethod
    async def open(cls, path: Path, *, busy_timeout: timedelta = BUSY_TIMEOUT) -> SqliteStore:
        """Open (creating and migrating as needed) the database file at `path`. A write that
        finds the file locked by another process waits up to `busy_timeout`, then fails."""
        if sqlite3.sqlite_version_info < MIN_SQLITE:  # RETURNING; UPDATE ... FROM in triggers
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old: 3.35 or later needed")
        await asyncio.to_thread(_prepare_folder, path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except (sqlite3.Error, OSError) as exc:
            raise fault_of(exc, path) or exc from exc
        try:
            busy_ms = int(busy_timeout.total_seconds() * 1000)
            await connection.execute(f"PRAGMA busy_timeout = {busy_ms}")
            await _switch_to_wal(connection)
            # With WAL, NORMAL stays consistent; a power cut may lose the last commits only.
            await connection.execute("PRAGMA synchronous = NORMAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await _check_pages(connection, path)
            await _migrate(connection, path)
        except BaseException as exc:
            await connection.close()
            fault = fault_of(exc, path)
            if fault is not None:
                raise fault from exc
            raise
        # The guard has the methods the mixins call, and names the faults they meet.
        return cls(GuardedConnection(connection, path))  # type: ignore[arg-type]

    async def ping(self) -> None:
        await self._db.execute_fetchall("SELECT count(*) FROM schema_migrations")

    async def close(self) -> None:
        await self._db.close()


async def _check_pages(db: aiosqlite.Connection, path: Path) -> None:
    """Every page of the file is read once at start-up (`quick_check`: the b-trees and their
    pages, not the indexes' contents; milliseconds for a community's few megabytes), so a
    damaged file is refused with a clear message instead of failing commands one by one."""
    rows = list(await db.execute_fetchall("PRAGMA quick_check"))
    findings = [str(row[0]) for row in rows]
    if findings != ["ok"]:
        raise damaged(path, "; ".join(findings[:3]))


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    """Apply each migration not yet applied, each in its own transaction. BEGIN IMMEDIATE takes
    the write lock first, so two processes starting together apply each migration once. A
    database with a migration this build does not know came from a newer Rungs: refused, with
    nothing changed."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = [
        int(v) for (v,) in await db.execute_fetchall("SELECT version FROM schema_migrations")
    ]
    check_newer(applied, [m.number for m in migrations("sqlite")], str(path))
    for migration in migrations("sqlite"):
        number, name, sql = migration.number, migration.name, migration.sql
        await db.execute("BEGIN IMMEDIATE")
        try:
            rows = await db.execute_fetchall(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (number,)
            )
            if not list(rows):
                for statement in _statements(sql):
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) "
                    "VALUES (?, ?, datetime('now'))",
                    (number, name),
                )
            await db.execute("COMMIT")
        except BaseException:
            # A full disk (or an I/O error) rolls the transaction back by itself; a ROLLBACK
            # then would fail and hide the error that names the fault.
            if db.in_transaction:
                await db.execute("ROLLBACK")
            raise


def _statements(sql: str) -> list[str]:
    """Split a script into statements; `complete_statement` knows trigger bodies hold `;`."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        if line.strip().startswith("--") and not current.strip():
            continue
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


async def _switch_to_wal(connection: aiosqlite.Connection) -> None:
    """Switching a new file to WAL needs a moment alone with it; several processes starting at
    once can find it busy (the busy timeout does not cover this), so try again briefly."""
    for attempt in range(50):
        try:
            await connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            await asyncio.sleep(0.01 * (1 + attempt % 10))


def _prepare_folder(path: Path) -> None:
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a database file")
    path.parent.mkdir(parents=True, exist_ok=True)
    check_writable(path)
