"""The SQLite store on aiosqlite: WAL, a busy timeout, foreign keys, numbered migrations.

The connection runs in autocommit mode; every store method is a single statement (atomic on
its own) or an explicit BEGIN IMMEDIATE … COMMIT under a lock, so one method is one transaction.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import aiosqlite

from engine.ports import StoredCluster, StoredTrace
from engine.storage.migrations import migrations

BUSY_TIMEOUT_MS = 5_000
TRACE_SLOTS = 16  # must match the migration's ring of traces
_CONFLICT = "rungs: version conflict"


class SqliteStore:
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    @classmethod
    async def open(cls, path: Path) -> SqliteStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")  # durable with WAL
            await connection.execute("PRAGMA foreign_keys = ON")
            await _migrate(connection)
        except BaseException:
            await connection.close()
            raise
        return cls(connection)

    async def load_cluster(self, scope: str) -> StoredCluster | None:
        rows = await self._db.execute_fetchall(
            "SELECT state, version FROM clusters WHERE scope = ?", (scope,)
        )
        for state, version in rows:
            return StoredCluster(state, version)
        return None

    async def save_cluster(
        self,
        scope: str,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        try:
            await self._db.execute(
                "INSERT INTO cluster_saves (scope, expected_version, state, updated_at, "
                "trace_no, trace) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    scope,
                    expected_version,
                    document,
                    now.isoformat(),
                    trace.trace_no if trace else None,
                    trace.document if trace else None,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if _CONFLICT in str(exc):
                return False
            raise
        return True

    async def load_trace(self, scope: str, trace_no: int) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT body FROM traces WHERE scope = ? AND slot = ? AND trace_no = ?",
            (scope, trace_no % TRACE_SLOTS, trace_no),
        )
        for (body,) in rows:
            return str(body)
        return None

    async def close(self) -> None:
        await self._db.close()


async def _migrate(db: aiosqlite.Connection) -> None:
    """Apply each migration not yet applied, each in its own transaction. BEGIN IMMEDIATE takes
    the write lock first, so two processes starting together apply each migration once."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
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
