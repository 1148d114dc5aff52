"""The SQLite store on aiosqlite: WAL, a busy timeout, foreign keys, numbered migrations.

The connection runs in autocommit mode and every store method writes with a single statement,
atomic on its own: a write that spans tables is an INSERT into a view whose trigger does the
work (migrations 0001, 0004). So one method is one transaction and, mostly, one trip to
aiosqlite's thread, and no other coroutine's statement can slip into someone else's transaction.
The job and team methods live in sqlite_jobs.py and sqlite_team.py (mixins sharing the
connection), written the same way (migrations 0005, 0006).
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from engine.ports import StoredCluster, StoredReview, StoredSession, StoredTrace
from engine.storage.migrations import migrations
from engine.storage.sqlite_jobs import SqliteJobs
from engine.storage.sqlite_team import SqliteTeam

BUSY_TIMEOUT_MS = 5_000
MIN_SQLITE = (3, 35)
TRACE_SLOTS = 16  # must match the migration's ring of traces
_CONFLICT = "rungs: version conflict"
_NOT_RATEABLE = "rungs: not rateable"


class SqliteStore(SqliteJobs, SqliteTeam):
    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    @classmethod
    async def open(cls, path: Path) -> SqliteStore:
        if sqlite3.sqlite_version_info < MIN_SQLITE:  # RETURNING; UPDATE ... FROM in triggers
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old: 3.35 or later needed")
        await asyncio.to_thread(_prepare_folder, path)
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _switch_to_wal(connection)
            # With WAL, NORMAL stays consistent; a power cut may lose the last commits only.
            await connection.execute("PRAGMA synchronous = NORMAL")
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

    async def delete_cluster(self, scope: str) -> int:
        rows = await self._db.execute_fetchall(
            "SELECT (SELECT count(*) FROM clusters WHERE scope = ?1) "
            "+ (SELECT count(*) FROM traces WHERE scope = ?1)",
            (scope,),
        )
        await self._db.execute("DELETE FROM clusters WHERE scope = ?", (scope,))  # traces cascade
        return next((int(count) for (count,) in rows), 0)

    async def load_trace(self, scope: str, trace_no: int) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT body FROM traces WHERE scope = ? AND slot = ? AND trace_no = ?",
            (scope, trace_no % TRACE_SLOTS, trace_no),
        )
        for (body,) in rows:
            return str(body)
        return None

    # --- drills ---

    async def start_session(
        self, user: str, drill_id: str, params: str, started_at: datetime, deadline: datetime
    ) -> int | None:
        try:
            row = await self._db.execute_insert(
                "INSERT INTO drill_sessions (user_key, drill_id, params, started_at, deadline) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, drill_id, params, _iso(started_at), _iso(deadline)),
            )
        except sqlite3.IntegrityError:  # the unique index: one running drill per user
            return None
        return int(row[0]) if row else None

    async def abandon_session(self, user: str, ended_at: datetime) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET ended_at = ?, outcome = 'abandoned' "
            "WHERE user_key = ? AND ended_at IS NULL",
            (_iso(ended_at), user),
        )
        return cursor.rowcount > 0

    async def running_session(self, user: str) -> StoredSession | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? AND ended_at IS NULL",
            (user,),
        )
        return next((_session(row) for row in rows), None)

    async def latest_session(self, user: str) -> StoredSession | None:
        rows = await self._db.execute_fetchall(
            f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? ORDER BY id DESC LIMIT 1",
            (user,),
        )
        return next((_session(row) for row in rows), None)

    async def append_answer(self, session_id: int, text: str, max_length: int) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET answer = CASE WHEN answer = '' THEN ? "
            "ELSE answer || char(10) || ? END "
            "WHERE id = ? AND ended_at IS NULL "
            "AND length(answer) + (answer <> '') + length(?) <= ?",  # no newline before the first
            (text, text, session_id, text, max_length),
        )
        return cursor.rowcount > 0

    async def finish_session(
        self, session_id: int, ended_at: datetime, covered: int, total: int, missed: str
    ) -> bool:
        cursor = await self._db.execute(
            "UPDATE drill_sessions SET ended_at = ?, outcome = 'revealed', covered = ?, "
            "total = ?, missed = ? WHERE id = ? AND ended_at IS NULL",
            (_iso(ended_at), covered, total, missed, session_id),
        )
        return cursor.rowcount > 0

    async def rate_session(
        self, user: str, session_id: int, rating: str, drill_id: str, card: str, due: datetime
    ) -> bool:
        try:
            await self._db.execute(
                "INSERT INTO session_ratings (session_id, user_key, rating, drill_id, card, due) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, user, rating, drill_id, card, _iso(due)),
            )
        except sqlite3.IntegrityError as exc:
            if _NOT_RATEABLE in str(exc):
                return False
            raise
        return True

    async def sessions(self, user: str, limit: int) -> list[StoredSession]:
        rows = await self._db.execute_fetchall(
            f"SELECT {_SESSION_COLUMNS} FROM drill_sessions "  # noqa: S608 - fixed columns
            "WHERE user_key = ? AND ended_at IS NOT NULL ORDER BY id DESC LIMIT ?",
            (user, limit),
        )
        return [_session(row) for row in rows]

    async def reviews(self, user: str) -> list[StoredReview]:
        rows = await self._db.execute_fetchall(
            "SELECT drill_id, card, due FROM reviews WHERE user_key = ? ORDER BY due, drill_id",
            (user,),
        )
        return [StoredReview(drill_id, card, _time(due)) for drill_id, card, due in rows]

    async def load_settings(self, user: str) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT settings FROM user_settings WHERE user_key = ?", (user,)
        )
        return next((str(settings) for (settings,) in rows), None)

    async def save_settings(self, user: str, settings: str) -> None:
        await self._db.execute(
            "INSERT INTO user_settings (user_key, settings) VALUES (?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET settings = excluded.settings",
            (user, settings),
        )

    async def forget_user(self, user: str) -> int:
        # The count comes first and the delete is one statement (a view's trigger), so the
        # delete is atomic; the count could miss a row written in between, never a deletion.
        rows = await self._db.execute_fetchall(
            "SELECT (SELECT count(*) FROM drill_sessions WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM reviews WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM user_settings WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM challenge_entries WHERE user_key = ?1) "
            "+ (SELECT count(*) FROM board_points WHERE user_key = ?1)",
            (user,),
        )
        await self._db.execute("INSERT INTO user_deletions (user_key) VALUES (?)", (user,))
        return next((int(count) for (count,) in rows), 0)

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


_SESSION_COLUMNS = (
    "id, drill_id, params, started_at, deadline, answer, ended_at, outcome, covered, total, "
    "missed, rating"
)


def _session(row: sqlite3.Row | tuple[object, ...]) -> StoredSession:
    (
        id_,
        drill_id,
        params,
        started,
        deadline,
        answer,
        ended,
        outcome,
        covered,
        total,
        missed,
        rating,
    ) = tuple(row)
    return StoredSession(
        int(str(id_)),
        str(drill_id),
        str(params),
        _time(started),
        _time(deadline),
        str(answer),
        _time(ended) if ended else None,
        _opt(outcome),
        _int(covered),
        _int(total),
        _opt(missed),
        _opt(rating),
    )


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _time(text: object) -> datetime:
    return datetime.fromisoformat(str(text))


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))
