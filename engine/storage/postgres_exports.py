"""/export on PostgreSQL: the schema's catalogue read once, then one statement (one snapshot)
over every table (export_scan.py)."""

from __future__ import annotations

from typing import Any

from engine.ports import UserRecords, Wanted
from engine.storage.export_scan import parameters, records, statement, tables_of

CATALOGUE = """
SELECT c.table_name, c.column_name, c.data_type,
       EXISTS (
           SELECT 1 FROM information_schema.table_constraints AS k
           JOIN information_schema.key_column_usage AS u
             ON u.constraint_schema = k.constraint_schema
            AND u.constraint_name = k.constraint_name
           WHERE k.constraint_type = 'PRIMARY KEY' AND k.table_schema = c.table_schema
             AND k.table_name = c.table_name AND u.column_name = c.column_name
       ) AS in_key
FROM information_schema.columns AS c
JOIN information_schema.tables AS t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
ORDER BY c.table_name, c.ordinal_position
"""


class PostgresExports:
    _pool: Any  # asyncpg ships no type hints
    _export_statement: str | None = None

    async def export_user(self, wanted: Wanted) -> UserRecords:
        if self._export_statement is None:  # the schema is fixed once migrated
            catalogue = await self._pool.fetch(CATALOGUE)
            self._export_statement = statement(
                tables_of((tuple(row) for row in catalogue), "postgres"), "postgres"
            )
        rows = await self._pool.fetch(self._export_statement, *parameters(wanted))
        return records(tuple(row) for row in rows)
