"""Operations on whole databases: copy between dialects (verified row by row), back up a live
SQLite file, and apply migrations on demand. Used by `rungs db` (bot/db_commands.py).

Everything here reads the schema from the database itself, as the migrations left it, so it
keeps working as migrations add or change tables.
"""

from engine.storage.transfer.backup import BackupReport, backup_database
from engine.storage.transfer.copy import CopyReport, TableCopy, copy_database
from engine.storage.transfer.model import TransferError
from engine.storage.transfer.versions import SchemaStatus, schema_status, upgrade

__all__ = [
    "BackupReport",
    "CopyReport",
    "SchemaStatus",
    "TableCopy",
    "TransferError",
    "backup_database",
    "copy_database",
    "schema_status",
    "upgrade",
]
