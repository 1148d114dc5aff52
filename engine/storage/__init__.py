"""Store implementations behind the `Store` port, chosen by a database URL.

SQLite is always available. PostgreSQL needs asyncpg, which comes with the `postgres` extra, so
its module is imported only when a PostgreSQL URL asks for it.
"""

from __future__ import annotations

from pathlib import Path

from engine.ports import Store
from engine.storage.faults import DatabaseFault
from engine.storage.timeouts import DatabaseTimeouts

__all__ = [
    "DatabaseTimeouts",
    "StoreOpenError",
    "UnsupportedDatabaseError",
    "open_store",
    "sqlite_path",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


class UnsupportedDatabaseError(ValueError):
    pass


class StoreOpenError(Exception):
    """The database could not be opened or migrated; the message is safe to show (no URL)."""


def sqlite_path(url: str) -> Path:
    """`sqlite:///relative/or/absolute.db` (SQLAlchemy style: four slashes for absolute)."""
    if not url.startswith("sqlite:///"):
        raise UnsupportedDatabaseError(f"not a SQLite URL: {url[:40]}")
    return Path(url.removeprefix("sqlite:///"))


async def open_store(url: str, timeouts: DatabaseTimeouts | None = None) -> Store:
    """Open (creating and migrating as needed) the store a database URL names; `timeouts`
    bound every PostgreSQL call (SQLite has its busy timeout).

    Raises UnsupportedDatabaseError for a URL we cannot use, and StoreOpenError, whatever the
    driver, when the database itself cannot be reached, opened or migrated."""
    try:
        if url.startswith("sqlite:"):
            from engine.storage.sqlite import SqliteStore

            return await SqliteStore.open(sqlite_path(url))
        if url.startswith(POSTGRES_SCHEMES):
            return await _open_postgres(url, timeouts)
    except UnsupportedDatabaseError:
        raise
    except DatabaseFault as exc:  # named already: a newer schema, read-only, full, damaged
        raise StoreOpenError(exc.message) from exc
    except Exception as exc:  # each driver has its own error types; callers get one
        raise StoreOpenError(f"cannot open the database: {type(exc).__name__}: {exc}") from exc
    # Only the scheme goes into the message: the rest of a URL may hold a password.
    scheme = url.split(":", 1)[0]
    raise UnsupportedDatabaseError(
        f"unsupported database URL scheme '{scheme[:20]}': "
        "use sqlite:///path/to/rungs.db or postgresql://user@host/database"
    )


async def _open_postgres(url: str, timeouts: DatabaseTimeouts | None) -> Store:
    try:
        from engine.storage.postgres import PostgresStore
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] != "asyncpg":
            raise  # a bug of ours, not a missing extra
        raise UnsupportedDatabaseError(
            "a PostgreSQL database URL needs asyncpg: pip install 'rungs[postgres]'"
        ) from exc
    return await PostgresStore.open(url, timeouts)
