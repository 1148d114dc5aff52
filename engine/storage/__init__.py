"""Store implementations behind the `Store` port, chosen by a database URL."""

from __future__ import annotations

from pathlib import Path

from engine.ports import Store


class UnsupportedDatabaseError(ValueError):
    pass


def sqlite_path(url: str) -> Path:
    """`sqlite:///relative/or/absolute.db` (SQLAlchemy style: four slashes for absolute)."""
    if not url.startswith("sqlite:///"):
        raise UnsupportedDatabaseError(f"not a SQLite URL: {url[:40]}")
    return Path(url.removeprefix("sqlite:///"))


async def open_store(url: str) -> Store:
    """Open (creating and migrating as needed) the store a database URL names."""
    if url.startswith("sqlite:"):
        from engine.storage.sqlite import SqliteStore

        return await SqliteStore.open(sqlite_path(url))
    scheme = url.split(":", 1)[0]
    raise UnsupportedDatabaseError(
        f"unsupported database URL scheme '{scheme[:20]}': use sqlite:///path/to/rungs.db"
    )
