"""/export on SQLite: the catalogue read once, then one statement (one snapshot) over every
table (export_scan.py)."""

from __future__ import annotations

import aiosqlite

from engine.ports import UserRecords, Wanted
from engine.storage.export_scan import parameters, records, statement, tables_of

CATALOGUE = (
    "SELECT m.name, p.name, p.type, p.pk FROM sqlite_master AS m "
    "JOIN pragma_table_info(m.name) AS p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%' ORDER BY m.name, p.cid"
)


class SqliteExports:
    _db: aiosqlite.Connection
    _export_statement: str | None = None

    async def export_user(self, wanted: Wanted) -> UserRecords:
        if self._export_statement is None:  # the schema is fixed once migrated
            catalogue = await self._db.execute_fetchall(CATALOGUE)
            self._export_statement = statement(tables_of(catalogue, "sqlite"), "sqlite")
        rows = await self._db.execute_fetchall(self._export_statement, parameters(wanted))
        return records(rows)
