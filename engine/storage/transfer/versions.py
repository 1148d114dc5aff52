"""Which migrations a database has, against those this version of Rungs knows, and applying
the missing ones on demand (`rungs db upgrade`; start-up applies them too)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.storage import open_store, sqlite_path
from engine.storage.migrations import migrations
from engine.storage.transfer.model import TransferError
from engine.storage.transfer.sides import dialect_of, opened
from engine.storage.transfer.values import Dialect


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    dialect: Dialect
    applied: tuple[int, ...]
    known: tuple[int, ...]  # the migrations this version of Rungs has, for that dialect

    @property
    def version(self) -> int:
        return max(self.applied, default=0)

    @property
    def latest(self) -> int:
        return max(self.known, default=0)

    @property
    def pending(self) -> tuple[int, ...]:
        return tuple(n for n in self.known if n not in self.applied)

    @property
    def unknown(self) -> tuple[int, ...]:
        """Migrations a newer Rungs applied: this one cannot know what they changed."""
        return tuple(n for n in self.applied if n not in self.known)

    @property
    def current(self) -> bool:
        return not self.pending and not self.unknown


def known_migrations(dialect: Dialect) -> tuple[int, ...]:
    return tuple(m.number for m in migrations(dialect))


async def schema_status(url: str) -> SchemaStatus:
    """Read the applied migrations without changing anything (a SQLite file that does not exist
    yet has none)."""
    dialect = dialect_of(url)
    known = known_migrations(dialect)
    if dialect == "sqlite" and not sqlite_path(url).exists():
        return SchemaStatus(dialect, (), known)
    async with opened(url, "reader") as side:
        applied = tuple(await side.applied_versions())
    return SchemaStatus(dialect, applied, known)


def refuse_newer(status: SchemaStatus, what: str = "database") -> None:
    if status.unknown:
        raise TransferError(
            f"the {what} was migrated by a newer Rungs (version {status.version}; "
            f"this one knows up to {status.latest}): upgrade Rungs first"
        )


async def upgrade(url: str) -> tuple[SchemaStatus, SchemaStatus]:
    """Apply the pending migrations (what start-up does) and return the status before and
    after. A database from a newer Rungs is refused and left as it is."""
    before = await schema_status(url)
    refuse_newer(before)
    store = await open_store(url)  # migrates, under each dialect's own lock
    await store.close()
    return before, await schema_status(url)
