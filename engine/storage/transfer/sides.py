"""Opening either end of a copy from a database URL, whatever its dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Literal, Protocol

from engine.storage import POSTGRES_SCHEMES, UnsupportedDatabaseError, sqlite_path
from engine.storage.transfer.model import Table
from engine.storage.transfer.values import Dialect, Row

Role = Literal["reader", "writer"]


class Side(Protocol):
    """One end of a copy, inside its one transaction (`finish` ends it)."""

    dialect: Dialect

    async def finish(self, *, commit: bool) -> None: ...
    async def applied_versions(self) -> list[int]: ...
    async def tables(self) -> list[Table]: ...
    def rows(self, table: str, columns: Sequence[str], batch: int) -> AsyncIterator[list[Row]]: ...
    async def high_water(self, table: Table) -> int | None: ...
    async def filled(self, tables: Sequence[Table]) -> list[str]: ...
    async def clear(self, tables: Sequence[Table]) -> None: ...
    async def suspend_triggers(self, tables: Sequence[Table]) -> None: ...
    async def resume_triggers(self) -> None: ...
    async def insert(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None: ...
    async def set_counter(self, table: Table, high_water: int | None) -> None: ...


def dialect_of(url: str) -> Dialect:
    if url.startswith("sqlite:"):
        sqlite_path(url)  # refuses a malformed SQLite URL
        return "sqlite"
    if url.startswith(POSTGRES_SCHEMES):
        return "postgres"
    scheme = url.split(":", 1)[0]  # only the scheme: the rest of a URL may hold a password
    raise UnsupportedDatabaseError(
        f"unsupported database URL scheme '{scheme[:20]}': "
        "use sqlite:///path/to/rungs.db or postgresql://user@host/database"
    )


@asynccontextmanager
async def opened(url: str, role: Role) -> AsyncIterator[Side]:
    """The side in its transaction: committed if the block ends normally and the side writes,
    rolled back otherwise."""
    side: Side
    if dialect_of(url) == "sqlite":
        from engine.storage.transfer.sqlite_side import SqliteSide

        path = sqlite_path(url)
        side = await (SqliteSide.reader(path) if role == "reader" else SqliteSide.writer(path))
    else:
        from engine.storage.transfer.postgres_side import PostgresSide

        side = await (PostgresSide.reader(url) if role == "reader" else PostgresSide.writer(url))
    try:
        yield side
    except BaseException:
        await side.finish(commit=False)
        raise
    await side.finish(commit=role == "writer")
