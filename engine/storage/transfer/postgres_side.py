"""The PostgreSQL end of a copy, on asyncpg: a source read in one REPEATABLE READ, READ ONLY
transaction (one snapshot for every table), or a target written in one transaction with binary
COPY, its identity sequences moved past every copied id before COMMIT.

Tables are those of the connection's current schema (the URL's `search_path`, if any).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg

from engine.storage.transfer.model import Column, Kind, Table, TransferError
from engine.storage.transfer.values import Dialect, Row

BOOKKEEPING = "schema_migrations"

_KINDS: dict[str, Kind] = {
    "smallint": "int",
    "integer": "int",
    "bigint": "int",
    "text": "text",
    "boolean": "bool",
    "timestamp with time zone": "timestamp",
    "double precision": "float",
    "real": "float",
    "bytea": "bytes",
    "json": "json",
    "jsonb": "json",
}

_TABLES = """
SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND c.relname <> $1
ORDER BY c.relname
"""

# Generated columns are computed, never copied. pg_get_serial_sequence finds the sequence of an
# identity column and of a serial one alike.
_COLUMNS = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS declared,
       pg_get_serial_sequence(format('%I.%I', current_schema(), $2::text), a.attname) AS sequence
FROM pg_attribute a
WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
ORDER BY a.attnum
"""

_REFERENCES = """
SELECT DISTINCT r.relname FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid
WHERE k.contype = 'f' AND k.conrelid = $1
"""

_USER_TRIGGERS = "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal)"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_kind(table: str, name: str, declared: str) -> Kind:
    base = declared.split("(", 1)[0].strip()
    if base in ("character varying", "character"):
        return "text"
    if base == "numeric":
        return "decimal"
    kind = _KINDS.get(base)
    if kind is None:
        raise TransferError(f"column {table}.{name} has type {declared}, which copy does not move")
    return kind


class PostgresSide:
    dialect: Dialect = "postgres"

    def __init__(self, connection: Any, transaction: Any, schema: str) -> None:
        self._db = connection
        self._transaction = transaction
        self._schema = schema
        self._sequences: dict[str, str] = {}  # table -> its counter's sequence
        self._oids: dict[str, int] = {}
        self._suspended: list[str] = []

    @classmethod
    async def reader(cls, url: str) -> PostgresSide:
        return await cls._open(url, isolation="repeatable_read", readonly=True)

    @classmethod
    async def writer(cls, url: str) -> PostgresSide:
        return await cls._open(url, isolation="read_committed", readonly=False)

    @classmethod
    async def _open(cls, url: str, *, isolation: str, readonly: bool) -> PostgresSide:
        try:
            connection = await asyncpg.connect(url)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise TransferError(
                f"cannot connect to PostgreSQL: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            transaction = connection.transaction(isolation=isolation, readonly=readonly)
            await transaction.start()
            schema = await connection.fetchval("SELECT current_schema()")
            if schema is None:
                raise TransferError("the URL's search_path names no schema that exists")
        except BaseException:
            await connection.close()
            raise
        return cls(connection, transaction, str(schema))

    async def finish(self, *, commit: bool) -> None:
        try:
            if commit:
                await self._transaction.commit()
            else:
                await self._transaction.rollback()
        finally:
            await self._db.close()

    async def applied_versions(self) -> list[int]:
        if await self._db.fetchval("SELECT to_regclass($1)", BOOKKEEPING) is None:
            return []
        rows = await self._db.fetch(f"SELECT version FROM {BOOKKEEPING} ORDER BY version")  # noqa: S608
        return [int(row["version"]) for row in rows]

    async def tables(self) -> list[Table]:
        tables = []
        for row in await self._db.fetch(_TABLES, BOOKKEEPING):
            oid, name = int(row["oid"]), str(row["relname"])
            self._oids[name] = oid
            columns, counter = [], None
            for column in await self._db.fetch(_COLUMNS, oid, name):
                attname, declared = str(column["attname"]), str(column["declared"])
                columns.append(Column(attname, column_kind(name, attname, declared), declared))
                if column["sequence"] is not None:
                    counter, self._sequences[name] = attname, str(column["sequence"])
            references = frozenset(
                str(r["relname"]) for r in await self._db.fetch(_REFERENCES, oid)
            )
            tables.append(Table(name, tuple(columns), references, counter))
        return tables

    async def rows(
        self, table: str, columns: Sequence[str], batch: int
    ) -> AsyncIterator[list[Row]]:
        names = ", ".join(quoted(c) for c in columns)
        query = f"SELECT {names} FROM {quoted(table)}"  # noqa: S608 - names from the schema, quoted
        cursor = await self._db.cursor(query)
        while records := await cursor.fetch(batch):
            yield [tuple(record) for record in records]

    async def high_water(self, table: Table) -> int | None:
        sequence = self._sequences.get(table.name)
        if sequence is None:
            return None
        row = await self._db.fetchrow(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - PostgreSQL's own quoted name
        return int(row["last_value"]) if row["is_called"] else None

    # --- as a target ---

    async def filled(self, tables: Sequence[Table]) -> list[str]:
        found = []
        for table in tables:
            if await self._db.fetchval(f"SELECT EXISTS (SELECT 1 FROM {quoted(table.name)})"):  # noqa: S608
                found.append(table.name)
        return found

    async def clear(self, tables: Sequence[Table]) -> None:
        if tables:
            await self._db.execute("TRUNCATE " + ", ".join(quoted(t.name) for t in tables))

    async def suspend_triggers(self, tables: Sequence[Table]) -> None:
        """Switch the tables' own triggers off for this transaction's copy (constraint triggers,
        which enforce the foreign keys, stay on)."""
        for table in tables:
            if await self._db.fetchval(_USER_TRIGGERS, self._oids[table.name]):
                await self._db.execute(f"ALTER TABLE {quoted(table.name)} DISABLE TRIGGER USER")
                self._suspended.append(table.name)

    async def resume_triggers(self) -> None:
        for name in self._suspended:
            await self._db.execute(f"ALTER TABLE {quoted(name)} ENABLE TRIGGER USER")

    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        await self._db.copy_records_to_table(
            table, records=rows, columns=list(columns), schema_name=self._schema
        )

    async def set_counter(self, table: Table, high_water: int | None) -> None:
        """Move the sequence past every copied id and past the source's own high-water mark."""
        sequence = self._sequences.get(table.name)
        if sequence is None or table.counter is None:
            return
        largest = await self._db.fetchval(
            f"SELECT max({quoted(table.counter)}) FROM {quoted(table.name)}"  # noqa: S608
        )
        mark = max(high_water or 0, int(largest or 0))
        if mark:
            await self._db.execute("SELECT setval($1::regclass, $2, true)", sequence, mark)
        else:
            await self._db.execute("SELECT setval($1::regclass, 1, false)", sequence)
