"""Databases that cannot serve, named: a schema from a newer Rungs, a read-only file, a full
disk, a damaged file. Start-up refuses them with one clear line for whoever runs Rungs
(`DatabaseFault`, which open_store turns into its StoreOpenError); a fault that appears later,
at a write, answers the command with a short message naming it (a StoreUnavailableError) and
logs the details once, never a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

# SQLite's primary result codes (sqlite3.h), as sqlite3.Error.sqlite_errorcode & 0xFF.
SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL = 8, 10, 11, 13
SQLITE_CANTOPEN, SQLITE_NOTADB = 14, 26
# Less free space than this beside the file makes an I/O error a full disk: SQLite reports a
# disk that fills while it maps the WAL's shared memory as SQLITE_IOERR_SHMSIZE, not FULL.
NEARLY_FULL_BYTES = 1 << 20


class DatabaseFault(Exception):
    """The database cannot serve as it is; `message` says why, for whoever runs Rungs."""

    def __init__(self, message: str, user_message: str) -> None:
        super().__init__(message)
        self.message = message
        self.user_message = user_message  # what a command's reply says


def newer_schema(applied: Sequence[int], known: Sequence[int], where: str) -> DatabaseFault:
    return DatabaseFault(
        f"the database {where} was migrated by a newer Rungs (schema version {max(applied)}; "
        f"this one knows up to {max(known, default=0)}): upgrade Rungs, or point "
        "RUNGS_DATABASE_URL at another database. Nothing was changed.",
        "This Rungs is older than its database; tell whoever runs it.",
    )


def check_newer(applied: Sequence[int], known: Sequence[int], where: str) -> None:
    """Refuse a database with migrations this build does not have (a newer Rungs ran on it)."""
    if set(applied) - set(known):
        raise newer_schema(applied, known, where)


def read_only(path: Path, detail: str) -> DatabaseFault:
    return DatabaseFault(
        f"the database file is read-only: {path} ({detail}). Rungs writes to the file and, "
        "beside it, to its -wal and -shm files: make both the file and its folder writable.",
        "Rungs cannot save anything right now: its database file is read-only. "
        "Tell whoever runs it.",
    )


def disk_full(path: Path) -> DatabaseFault:
    return DatabaseFault(
        f"the disk is full: the database {path} cannot grow. Free some space (or move the "
        "file with `rungs db backup`), then start Rungs again.",
        "Rungs cannot save anything right now: the disk of its database is full. "
        "Tell whoever runs it.",
    )


def damaged(path: Path, detail: str) -> DatabaseFault:
    detail = " ".join(detail.split())[:200]  # quick_check's findings span lines: one line here
    return DatabaseFault(
        f"the database file is damaged: {path} ({detail}). Restore it from a backup "
        "(`rungs db backup` makes them), or move it aside to start afresh.",
        "Rungs cannot use its database right now: the file is damaged. Tell whoever runs it.",
    )


def check_writable(path: Path) -> None:
    """At start-up, before SQLite would quietly open a read-only file read-only: the file (if
    it exists) and its folder must be writable."""
    if path.exists():
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            raise read_only(path, exc.strerror or "not writable") from exc
    folder = path.parent
    try:  # a name of its own: several nodes may start on one folder at once
        handle, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".write-check", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise disk_full(path) from exc
        raise read_only(path, f"its folder {folder} is not writable") from exc


def fault_of(exc: BaseException, path: Path) -> DatabaseFault | None:
    """The fault a driver error stands for; None for any other error (a bug, a conflict)."""
    if isinstance(exc, sqlite3.Error):
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == SQLITE_READONLY:
            return read_only(path, str(exc))
        if code == SQLITE_FULL:
            return disk_full(path)
        if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return damaged(path, str(exc))
        if code == SQLITE_CANTOPEN:
            return read_only(path, str(exc))
        if code == SQLITE_IOERR and _nearly_full(path):
            return disk_full(path)
        return None
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return disk_full(path)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only(path, exc.strerror or str(exc))
    return None


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False
