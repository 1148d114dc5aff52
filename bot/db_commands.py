"""`rungs db upgrade | copy SOURCE_URL TARGET_URL | backup PATH`: the database's operations, as
one-shot commands that print what they did (engine/storage/transfer does the work, imported
only when one runs: the console's start-up does not pay for it)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.runtime import StartupError
from bot.settings import Settings
from engine.storage import POSTGRES_SCHEMES, StoreOpenError, UnsupportedDatabaseError
from engine.text.counts import count

if TYPE_CHECKING:
    from engine.storage.transfer import TableCopy


def add_db_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database operations: upgrade, copy, backup")
    actions = db.add_subparsers(dest="db_command", required=True)
    up = actions.add_parser("upgrade", help="apply pending migrations; print the schema version")
    up.add_argument("--db", type=Path, help="SQLite file (default: RUNGS_DATABASE_URL)")
    copy = actions.add_parser(
        "copy", help="copy every row to another database (e.g. SQLite to PostgreSQL), verified"
    )
    copy.add_argument("source", help="database URL to copy from (it is only read)")
    copy.add_argument("target", help="database URL to copy into (created and migrated)")
    copy.add_argument(
        "--replace", action="store_true", help="empty a target that already holds rows first"
    )
    backup = actions.add_parser("backup", help="an online backup of the SQLite database")
    backup.add_argument("path", type=Path, help="the new file to write the backup to")
    backup.add_argument("--db", type=Path, help="SQLite file (default: RUNGS_DATABASE_URL)")


def run_db(settings: Settings, args: argparse.Namespace) -> int:
    """Run one `rungs db` command; 0 when it did what it says, 1 when it could not."""
    from engine.storage.transfer import TransferError

    try:
        if args.db_command == "upgrade":
            return asyncio.run(_upgrade(settings.database_url))
        if args.db_command == "copy":
            return asyncio.run(_copy(args.source, args.target, replace=args.replace))
        return asyncio.run(_backup(settings.database_url, args.path))
    except UnsupportedDatabaseError as exc:
        raise StartupError(str(exc)) from exc
    except (TransferError, StoreOpenError) as exc:
        print(f"rungs db {args.db_command}: {exc}", file=sys.stderr)
        return 1


async def _upgrade(url: str) -> int:
    from engine.storage.transfer import upgrade

    before, after = await upgrade(url)
    applied = [n for n in after.applied if n not in before.applied]
    if applied:
        numbers = ", ".join(f"{n:04d}" for n in applied)
        print(f"{shown(url)}: applied {count(len(applied), 'migration')} ({numbers}).")
    else:
        print(f"{shown(url)}: nothing to apply.")
    print(f"Schema version {after.version} ({after.dialect}; the latest this Rungs knows).")
    return 0


async def _copy(source: str, target: str, *, replace: bool) -> int:
    from engine.storage.transfer import copy_database

    print(f"Copying {shown(source)} -> {shown(target)}")

    def progress(table: TableCopy) -> None:
        print(f"  {table.name:<24} {table.rows:>10,} rows  checksum {table.checksum[:16]}")

    report = await copy_database(source, target, replace=replace, progress=progress)
    if report.replaced:
        print(f"Emptied first: {', '.join(report.replaced)}.")
    rate = report.rows / report.seconds if report.seconds > 0 else 0.0
    print(
        f"Copied {report.rows:,} rows in {len(report.tables)} tables in {report.seconds:.1f} s "
        f"({rate:,.0f} rows/s); every table was read back and matched its count and checksum."
    )
    return 0


async def _backup(url: str, path: Path) -> int:
    from engine.storage.transfer import backup_database

    report = await backup_database(url, path)
    size = report.bytes / 1_000_000
    print(f"Backed up {shown(url)} to {report.path} ({report.pages:,} pages, {size:.1f} MB).")
    return 0


def shown(url: str) -> str:
    """A database URL fit to print: a PostgreSQL password masked."""
    if url.startswith(POSTGRES_SCHEMES):
        from engine.storage.postgres import redact_url

        return redact_url(url)
    return url
