"""The SQLite end of a copy: a source read inside one read transaction (a consistent snapshot,
however busy the file: in WAL mode writers carry on meanwhile), or a target written inside one
write transaction (all or nothing).

Plain sqlite3 in worker threads, one call at a time and a batch of rows a call: aiosqlite's
hop per row would cost more than the copy itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from engine.storage.transfer.model import Column, Kind, Table, TransferError
from engine.storage.transfer.values import Dialect, Row

BUSY_TIMEOUT_S = 5.0
BOOKKEEPING = "schema_migrations"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_kind(declared: str) -> Kind:
    """SQLite's affinity rules (its docs, "Datatypes In SQLite", 3.1), plus the names a
    migration would use for an instant, a flag or JSON."""
    upper = declared.upper()
    if "BOOL" in upper:
        return "bool"
    if "TIMESTAMP" in upper or "DATETIME" in upper:
        return "timestamp"
    if "JSON" in upper:
        return "json"
    if "INT" in upper:
        return "int"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "float"
    return "any"


class SqliteSide:
    dialect: Dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._autoincrement: set[str] = set()
        self._triggers: list[tuple[str, str]] = []

    @classmethod
    async def reader(cls, path: Path) -> SqliteSide:
        """Open read-only (a copy never changes its source) and pin the snapshot at once."""
        side = cls(await asyncio.to_thread(_connect_read_only, path))
        await side._run(side._begin, "BEGIN")
        return side

    @classmethod
    async def writer(cls, path: Path) -> SqliteSide:
        side = cls(await asyncio.to_thread(_connect, str(path), uri=False))
        await side._run(side._db.execute, "PRAGMA foreign_keys = ON")
        await side._run(side._begin, "BEGIN IMMEDIATE")
        # Checked at COMMIT: the rows are complete by then, whatever order they came in.
        await side._run(side._db.execute, "PRAGMA defer_foreign_keys = ON")
        return side

    async def _run(self, function: Any, *args: Any) -> Any:
        return await asyncio.to_thread(function, *args)

    def _begin(self, statement: str) -> None:
        self._db.execute(statement)
        self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts

    async def finish(self, *, commit: bool) -> None:
        def end() -> None:
            try:
                if self._db.in_transaction:
                    self._db.execute("COMMIT" if commit else "ROLLBACK")
            finally:
                self._db.close()

        await self._run(end)

    async def applied_versions(self) -> list[int]:
        def read() -> list[int]:
            if not self._has_table(BOOKKEEPING):
                return []
            rows = self._db.execute("SELECT version FROM schema_migrations ORDER BY version")
            return [int(version) for (version,) in rows]

        result: list[int] = await self._run(read)
        return result

    def _has_table(self, name: str) -> bool:
        found = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return found is not None

    async def tables(self) -> list[Table]:
        result: list[Table] = await self._run(self._read_tables)
        return result

    def _read_tables(self) -> list[Table]:
        rows = self._db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite^_%' ESCAPE '^' AND name <> ? ORDER BY name",
            (BOOKKEEPING,),
        ).fetchall()
        tables = []
        for name, sql in rows:
            if "AUTOINCREMENT" in str(sql).upper():
                self._autoincrement.add(name)
            tables.append(self._read_table(name))
        return tables

    def _read_table(self, name: str) -> Table:
        # table_xinfo: (cid, name, type, notnull, default, pk, hidden); hidden 2 and 3 are
        # generated columns, which are computed, never copied.
        info = self._db.execute(f"PRAGMA table_xinfo({quoted(name)})").fetchall()
        columns = tuple(
            Column(str(row[1]), column_kind(str(row[2])), str(row[2]) or "(no type)")
            for row in info
            if row[6] == 0
        )
        keys = [row for row in info if row[5] > 0]
        # A single INTEGER PRIMARY KEY is the rowid: SQLite numbers it.
        rowid = len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER"
        counter = str(keys[0][1]) if rowid else None
        references = frozenset(
            str(row[2]) for row in self._db.execute(f"PRAGMA foreign_key_list({quoted(name)})")
        )
        return Table(name, columns, references, counter)

    async def rows(
        self, table: str, columns: Sequence[str], batch: int
    ) -> AsyncIterator[list[Row]]:
        names = ", ".join(quoted(c) for c in columns)
        query = f"SELECT {names} FROM {quoted(table)}"  # noqa: S608 - names from the schema, quoted
        cursor = await self._run(self._db.execute, query)
        while True:
            rows: list[Row] = await self._run(cursor.fetchmany, batch)
            if not rows:
                return
            yield rows

    async def high_water(self, table: Table) -> int | None:
        """The highest number AUTOINCREMENT has handed out (deleted rows included), so that the
        target never hands out an id an old button may still carry."""
        if table.name not in self._autoincrement:
            return None

        def read() -> int | None:
            row = self._db.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
            ).fetchone()
            return None if row is None else int(row[0])

        result: int | None = await self._run(read)
        return result

    # --- as a target ---

    async def filled(self, tables: Sequence[Table]) -> list[str]:
        def check() -> list[str]:
            return [
                t.name
                for t in tables
                if self._db.execute(f"SELECT 1 FROM {quoted(t.name)} LIMIT 1").fetchone()  # noqa: S608
            ]

        result: list[str] = await self._run(check)
        return result

    async def clear(self, tables: Sequence[Table]) -> None:
        def delete() -> None:
            for table in reversed(tables):
                self._db.execute(f"DELETE FROM {quoted(table.name)}")  # noqa: S608

        await self._run(delete)

    async def suspend_triggers(self, tables: Sequence[Table]) -> None:
        """Drop the tables' triggers until `resume_triggers` (same transaction): a copied row
        must arrive as it was, not set off what a new one would (a challenge's reveal job)."""

        def drop() -> None:
            names = [t.name for t in tables]
            marks = ", ".join("?" for _ in names)
            self._triggers = self._db.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "  # noqa: S608
                f"AND tbl_name IN ({marks}) ORDER BY rowid",
                names,
            ).fetchall()
            for name, _ in self._triggers:
                self._db.execute(f"DROP TRIGGER {quoted(name)}")

        await self._run(drop)

    async def resume_triggers(self) -> None:
        def create() -> None:
            for _, sql in self._triggers:
                self._db.execute(sql)

        await self._run(create)

    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        names = ", ".join(quoted(c) for c in columns)
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks})"  # noqa: S608
        await self._run(self._db.executemany, statement, rows)

    async def set_counter(self, table: Table, high_water: int | None) -> None:
        if table.name not in self._autoincrement or table.counter is None:
            return  # a plain rowid table numbers from its largest row, as it should

        def write() -> None:
            assert table.counter is not None
            (largest,) = self._db.execute(
                f"SELECT max({quoted(table.counter)}) FROM {quoted(table.name)}"  # noqa: S608
            ).fetchone()
            mark = max(high_water or 0, int(largest or 0))
            self._db.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
            if mark:
                self._db.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, mark)
                )

        await self._run(write)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise TransferError(f"no SQLite database at {path}")
    return _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _connect(target: str, *, uri: bool) -> sqlite3.Connection:
    # Autocommit mode, so that BEGIN and COMMIT are ours; one thread at a time uses it.
    try:
        return sqlite3.connect(
            target, uri=uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise TransferError(f"cannot open the SQLite database: {exc}") from exc
