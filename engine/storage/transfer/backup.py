"""`rungs db backup PATH`: a copy of a live SQLite database with SQLite's online backup API.

The backup copies every page in one step, which is one read transaction: in WAL mode the nodes
writing to the database carry on meanwhile, and the copy is the database as of that moment. It
is written beside PATH under a temporary name, checked (`PRAGMA integrity_check`) and only then
renamed to PATH, so a failed backup never leaves a half-written file under the name asked for.
PostgreSQL has its own tool for this, `pg_dump` (see the README).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from engine.storage import sqlite_path
from engine.storage.transfer.model import TransferError
from engine.storage.transfer.sides import dialect_of

BUSY_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class BackupReport:
    path: Path
    pages: int
    bytes: int


async def backup_database(url: str, destination: Path) -> BackupReport:
    if dialect_of(url) == "postgres":
        raise TransferError(
            "`rungs db backup` backs up SQLite files; for PostgreSQL use pg_dump "
            "(see the README, Operations)"
        )
    return await asyncio.to_thread(_backup, sqlite_path(url), destination)


def _backup(source: Path, destination: Path) -> BackupReport:
    if not source.is_file():
        raise TransferError(f"no SQLite database at {source}")
    if destination.exists():
        raise TransferError(f"{destination} already exists: name a new file for the backup")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    try:
        live = _connect(f"{source.resolve().as_uri()}?mode=ro")
        with contextlib.closing(live), contextlib.closing(sqlite3.connect(partial)) as copy:
            live.backup(copy, pages=-1)  # every page in one step: one consistent read
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
            (pages,) = copy.execute("PRAGMA page_count").fetchone()
        if verdict != "ok":
            raise TransferError(f"the backup failed its integrity check: {verdict}")
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(destination, int(pages), destination.stat().st_size)


def _connect(uri: str) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
