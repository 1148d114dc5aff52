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


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A drill attempt as the store keeps it. Times are aware UTC instants."""

    id: int
    drill_id: str
    params: str  # JSON of the numbers drawn for this attempt
    started_at: datetime
    deadline: datetime
    answer: str
    ended_at: datetime | None
    outcome: str | None  # "revealed" or "abandoned" once ended
    covered: int | None
    total: int | None
    missed: str | None  # JSON list of checklist item ids
    rating: str | None


@dataclass(frozen=True, slots=True)
class StoredReview:
    drill_id: str
    card: str  # JSON of the spaced-repetition card
    due: datetime


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

    async def delete_cluster(self, scope: str) -> int:
        """Delete a scope's cluster and its traces; returns how many rows went."""
        ...

    # --- drills (per user; `user` is Actor.user_key) ---

    async def start_session(
        self, user: str, drill_id: str, params: str, started_at: datetime, deadline: datetime
    ) -> int | None:
        """Start a drill; None (changing nothing) if the user already has one running."""
        ...

    async def abandon_session(self, user: str, ended_at: datetime) -> bool:
        """End the user's running drill without a reveal; False if none was running."""
        ...

    async def running_session(self, user: str) -> StoredSession | None: ...

    async def latest_session(self, user: str) -> StoredSession | None:
        """The user's most recent drill, running or ended."""
        ...

    async def append_answer(self, session_id: int, text: str, max_length: int) -> bool:
        """Add to the sketch of a running drill; False if it has ended or would grow past
        `max_length` characters."""
        ...

    async def finish_session(
        self, session_id: int, ended_at: datetime, covered: int, total: int, missed: str
    ) -> bool:
        """Record the reveal; False (changing nothing) if the drill had already ended."""
        ...

    async def rate_session(
        self, user: str, session_id: int, rating: str, drill_id: str, card: str, due: datetime
    ) -> bool:
        """Record the self-rating and the drill's next review together; False if the session is
        not a revealed, unrated drill of this user."""
        ...

    async def sessions(self, user: str, limit: int) -> list[StoredSession]:
        """The user's ended drills, newest first."""
        ...

    async def reviews(self, user: str) -> list[StoredReview]:
        """The user's review schedule, soonest due first."""
        ...

    async def load_settings(self, user: str) -> str | None: ...

    async def save_settings(self, user: str, settings: str) -> None: ...

    async def forget_user(self, user: str) -> int:
        """Delete every row about the user; returns how many were deleted."""
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
