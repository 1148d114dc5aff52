"""The ports the Tutor depends on. Storage and time come in through these, so the domain stays
pure and each store (SQLite, PostgreSQL) can be swapped without changing a caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StoredCluster:
    document: str  # the cluster state as the simulation's codec wrote it
    version: int  # bumped by every save; saves name the version they read (optimistic locking)


@dataclass(frozen=True, slots=True)
class StoredTrace:
    trace_no: int
    document: str


class Store(Protocol):
    """Durable state. Each method is one transaction; no SQL dialect leaks through."""

    async def load_cluster(self, scope: str) -> StoredCluster | None:
        """The cluster of a scope (a channel, or a user's DM), or None if it has none yet."""
        ...

    async def save_cluster(
        self,
        scope: str,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        """Save if the stored version is still `expected_version` (0: none stored yet), together
        with the trace that produced it. Returns False, changing nothing, if someone else saved
        first."""
        ...

    async def load_trace(self, scope: str, trace_no: int) -> str | None:
        """A recent trace of the scope; only the latest few are kept."""
        ...

    async def close(self) -> None: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware UTC instant."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to; for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when
