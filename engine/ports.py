"""The ports the Tutor depends on. Storage and time come in through these, so the domain stays
pure and each store (SQLite, PostgreSQL) can be swapped without changing a caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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


# --- durable jobs and team study (issue 6) ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewJob:
    """Something to deliver at a time: a drill's time's-up nudge, a challenge's reveal, a
    channel's daily drill. A job is a row, never a sleeping task, so it survives restarts."""

    key: str  # unique for ever: scheduling a key that exists (pending or done) changes nothing
    kind: str  # "drill_nudge", "challenge_reveal", "daily_drill"
    platform: str  # only nodes of this platform claim it ("console", "discord", "slack")
    target: str  # JSON: where to deliver (workspace, channel, user)
    payload: str  # JSON: what the delivery needs (ids, never rendered text)
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    key: str
    kind: str
    platform: str
    target: str
    payload: str
    due_at: datetime
    attempts: int  # 1 on the first claim; more when a dead node's lease ran out


@dataclass(frozen=True, slots=True)
class StoredChallenge:
    id: int
    scope: str  # the channel's cluster scope (`platform:workspace:ch:id`)
    board: str  # the leaderboard it counts towards: `platform:workspace`
    drill_id: str
    params: str  # JSON of the numbers drawn for this challenge
    starter: str  # user key
    started_at: datetime
    deadline: datetime
    ended_at: datetime | None
    target: str  # JSON: where the reveal is posted


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One participant of a challenge."""

    user: str  # user key
    display_name: str
    answer: str
    joined_at: datetime
    covered: int | None  # set by the reveal
    total: int | None
    points: int | None


@dataclass(frozen=True, slots=True)
class EntryScore:
    user: str
    covered: int
    total: int
    points: int


@dataclass(frozen=True, slots=True)
class BoardRow:
    user: str
    display_name: str
    points: int
    challenges: int


@dataclass(frozen=True, slots=True)
class StoredSchedule:
    scope: str
    spec: str  # JSON: local time, time zone, topic, who set it
    job_key: str  # the pending job of the next post


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

    # --- durable jobs ---

    async def schedule_job(self, job: NewJob) -> bool:
        """Add a pending job; False (changing nothing) if its key exists, pending or done."""
        ...

    async def cancel_job(self, key: str) -> bool:
        """Drop a pending job; False if there is none with that key (done jobs stay done, and a
        claimed job is already being delivered: it stays, for its node to finish)."""
        ...

    async def claim_due_jobs(
        self, platform: str, node: str, now: datetime, lease: timedelta, limit: int
    ) -> list[ClaimedJob]:
        """Atomically claim up to `limit` of the platform's jobs due at `now`, oldest first:
        pending ones, and claimed ones whose lease has run out (their node died). A job is held
        by one node at a time; the claim lasts until `now + lease`."""
        ...

    async def finish_job(self, job_id: int, node: str, now: datetime) -> bool:
        """Mark a claimed job done. False, changing nothing, if this node no longer holds the
        claim (its lease ran out and another node took the job)."""
        ...

    async def next_job_due(self, platform: str) -> datetime | None:
        """When the platform's soonest pending job falls due, or sooner the lease of a claimed
        one runs out (so a dead node's job is retaken on time); None if neither exists. It may
        be in the past: something is claimable now."""
        ...

    # --- team challenges, leaderboards, schedules ---

    async def start_challenge(
        self,
        scope: str,
        board: str,
        drill_id: str,
        params: str,
        starter: str,
        started_at: datetime,
        deadline: datetime,
        target: str,
    ) -> int | None:
        """Start a challenge in a channel and schedule its reveal (a "challenge_reveal" job
        keyed `challenge:<id>`, payload {"challenge_id": id}) in one transaction. None,
        changing nothing, if the channel already has one running."""
        ...

    async def running_challenge(self, scope: str) -> StoredChallenge | None: ...

    async def challenge(self, challenge_id: int) -> StoredChallenge | None: ...

    async def join_challenge(
        self, challenge_id: int, user: str, display_name: str, now: datetime
    ) -> bool:
        """Add a participant; False if already in, or if the challenge has ended."""
        ...

    async def append_challenge_answer(
        self, challenge_id: int, user: str, text: str, max_length: int
    ) -> bool:
        """Add to a participant's answer (joining is separate); False if the challenge has
        ended, the user has not joined, or the answer would pass `max_length`."""
        ...

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        """The participants, in the order they joined."""
        ...

    async def end_challenge(
        self, challenge_id: int, ended_at: datetime, scores: list[EntryScore]
    ) -> bool:
        """End a challenge once: record each score and its points on the board, and cancel the
        pending reveal job. False, changing nothing, if it had already ended."""
        ...

    async def leaderboard(self, board: str, since: datetime | None, limit: int) -> list[BoardRow]:
        """Points won on a board since an instant (None: all time), highest first, leaving
        out users whose settings JSON has "leaderboard": "off"."""
        ...

    async def set_schedule(self, scope: str, spec: str, first: NewJob) -> None:
        """Set a channel's daily schedule, replacing any other: the old pending job is
        cancelled and `first` scheduled, in one transaction."""
        ...

    async def load_schedule(self, scope: str) -> StoredSchedule | None: ...

    async def clear_schedule(self, scope: str) -> bool:
        """Remove a channel's schedule and cancel its pending job; False if it had none."""
        ...

    async def advance_schedule(
        self, scope: str, job_key: str, job_id: int, node: str, now: datetime, then: NewJob
    ) -> bool:
        """Finish the daily job `job_id` and schedule the next run `then`, pointing the
        schedule at it, in one transaction. False if this node lost the claim, or if the
        schedule was changed or removed meanwhile (then the job is still marked done)."""
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
