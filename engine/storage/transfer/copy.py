"""`rungs db copy SOURCE TARGET`: move a community between databases (SQLite to PostgreSQL, and
back) without losing a row.

The source is read in one snapshot, so a busy source gives a consistent copy while its nodes
keep writing (what they write after the snapshot is not in the copy). The target is migrated to
the same version first, then filled in one transaction: every table, parents before children,
in batches; its counters moved past every copied id; and each table read back and compared with
the source, row count and checksum, before COMMIT. Anything short of an exact match rolls the
whole copy back and leaves the target as it was.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from engine.storage import open_store, sqlite_path
from engine.storage.transfer.model import Table, TransferError, combined_kind, matched_tables
from engine.storage.transfer.sides import Side, dialect_of, opened
from engine.storage.transfer.values import Checksum, RowShape
from engine.storage.transfer.versions import refuse_newer, schema_status

BATCH = 5_000


@dataclass(frozen=True, slots=True)
class TableCopy:
    name: str
    rows: int
    checksum: str


@dataclass(frozen=True, slots=True)
class CopyReport:
    tables: tuple[TableCopy, ...]
    seconds: float
    replaced: tuple[str, ...]  # target tables that held rows and were emptied first

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


Progress = Callable[[TableCopy], None]


async def copy_database(
    source_url: str,
    target_url: str,
    *,
    replace: bool = False,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> CopyReport:
    """Copy every row of `source_url` into `target_url`, verified; see the module's docstring.
    A target that already holds rows is refused unless `replace`, which empties it first (in
    the same transaction, so a failed copy still leaves it as it was)."""
    _refuse_same(source_url, target_url)
    if dialect_of(source_url) == "sqlite" and not await asyncio.to_thread(
        sqlite_path(source_url).is_file
    ):
        raise TransferError(f"no SQLite database at {sqlite_path(source_url)}")
    started = time.perf_counter()
    source_status = await schema_status(source_url)
    refuse_newer(source_status, "source database")
    if source_status.pending:
        raise TransferError(
            f"the source database is at version {source_status.version}, this Rungs at "
            f"{source_status.latest}: run `rungs db upgrade` on the source first"
        )
    refuse_newer(await schema_status(target_url), "target database")
    store = await open_store(target_url)  # creates and migrates the target, as start-up would
    await store.close()
    try:
        copied, filled = await _copy_all(source_url, target_url, replace, batch, progress)
    except TransferError:
        raise
    except Exception as exc:  # each driver has its own errors; all of them end the same way
        raise TransferError(
            f"the copy failed and was rolled back, the target holds none of it: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return CopyReport(tuple(copied), time.perf_counter() - started, tuple(filled))


async def _copy_all(
    source_url: str, target_url: str, replace: bool, batch: int, progress: Progress | None
) -> tuple[list[TableCopy], list[str]]:
    async with opened(source_url, "reader") as source, opened(target_url, "writer") as target:
        pairs = matched_tables(await source.tables(), await target.tables())
        targets = [theirs for _, theirs in pairs]
        filled = await target.filled(targets)
        if filled and not replace:
            raise TransferError(
                "the target database already holds rows (in "
                + ", ".join(filled)
                + "): copy into an empty one, or pass --replace to empty it first"
            )
        await target.clear(targets if filled else [])
        await target.suspend_triggers(targets)
        copied = []
        for ours, theirs in pairs:
            copied.append(await _copy_table(source, target, ours, theirs, batch))
            if progress is not None:
                progress(copied[-1])
        await target.resume_triggers()
    return copied, filled


async def _copy_table(
    source: Side, target: Side, ours: Table, theirs: Table, batch: int
) -> TableCopy:
    kinds = tuple(combined_kind(ours.name, c, theirs.column(c.name)) for c in ours.columns)
    shape = RowShape(ours.name, ours.column_names, kinds)
    sent = Checksum(shape)
    async for rows in source.rows(ours.name, shape.columns, batch):
        sent.add(rows)
        await target.insert(ours.name, shape.columns, shape.for_target(target.dialect, rows))
    await target.set_counter(theirs, await source.high_water(ours))
    arrived = Checksum(shape)
    async for rows in target.rows(ours.name, shape.columns, batch):
        arrived.add(rows)
    if (arrived.rows, arrived.hexdigest) != (sent.rows, sent.hexdigest):
        raise TransferError(
            f"table {ours.name} did not arrive intact ({sent.rows} rows sent, {arrived.rows} "
            "read back, or their checksums differ): nothing was copied"
        )
    return TableCopy(ours.name, sent.rows, sent.hexdigest)


def _refuse_same(source_url: str, target_url: str) -> None:
    same = source_url == target_url
    if not same and dialect_of(source_url) == dialect_of(target_url) == "sqlite":
        same = sqlite_path(source_url).resolve() == sqlite_path(target_url).resolve()
    if same:
        raise TransferError("the source and the target are the same database")
