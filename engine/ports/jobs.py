"""The jobs port: durable deliveries at a time, claimed by one node at a time.

A job is a row, never a sleeping task, so it survives restarts. What it delivers is typed by its
payload (which also gives its kind); where it delivers is its target. Both hold ids only: the
text of a delivery is built when it falls due, from the state in the store at that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar, Protocol

from engine.ports.keys import Scope, UserKey


@dataclass(frozen=True, slots=True)
class Target:
    """Where a delivery goes: a channel (None: the user's DM, or the console's own space); with
    `user` set, for that user only."""

    workspace: str
    channel: str | None = None
    user: str | None = None


@dataclass(frozen=True, slots=True)
class DrillNudge:
    """A drill's time's-up nudge, unless the drill was revealed or dropped first."""

    kind: ClassVar[str] = "drill_nudge"
    session_id: int
    user: UserKey


@dataclass(frozen=True, slots=True)
class ChallengeReveal:
    """A challenge's reveal at its deadline; the challenge is the one whose reveal this job is
    (`ChallengeStore.challenge_by_reveal`)."""

    kind: ClassVar[str] = "challenge_reveal"


@dataclass(frozen=True, slots=True)
class DailyDrill:
    """Today's post of a channel's daily drill."""

    kind: ClassVar[str] = "daily_drill"
    scope: Scope


@dataclass(frozen=True, slots=True)
class ReviewReminder:
    """A learner's daily check at their reminder time: a direct message if reviews are due.
    The reminder is the daily schedule of the learner's own scope."""

    kind: ClassVar[str] = "review_reminder"
    user: UserKey


JobPayload = DrillNudge | ChallengeReveal | DailyDrill | ReviewReminder


@dataclass(frozen=True, slots=True)
class UnreadableJob:
    """A claimed job whose stored kind, payload or target this version cannot read (written by
    a newer version, say): the sweeper logs it and lets it go."""

    kind: str
    problem: str


@dataclass(frozen=True, slots=True)
class NewJob:
    key: str  # unique for ever: scheduling a key that exists (pending or done) changes nothing
    platform: str  # only nodes of this platform claim it ("console", "discord", "slack")
    target: Target
    payload: JobPayload
    due_at: datetime

    @property
    def kind(self) -> str:
        return self.payload.kind


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    id: int
    key: str
    platform: str
    target: Target
    payload: JobPayload | UnreadableJob
    due_at: datetime
    attempts: int  # 1 on the first claim; more when a dead node's lease ran out
    # Where its delivery stands (see JobStore.start_post): the platform's message ids of the
    # deliveries already out, in order, and the index of the last one whose post was started.
    posted: tuple[str, ...] = ()
    posting: int | None = None

    @property
    def kind(self) -> str:
        return self.payload.kind

    def may_be_out(self, index: int) -> bool:
        """Whether delivery `index` may already be on the platform though none is recorded: a
        node started its post and died (or lost its claim) before it recorded the message."""
        return self.posting is not None and self.posting >= index >= len(self.posted)


class JobStore(Protocol):
    """Durable jobs: scheduled, claimed atomically with a lease, finished by their holder. A job
    is *pending* while nobody holds it; a claimed one is on its way to delivery."""

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

    async def renew_jobs(self, job_ids: Sequence[int], node: str, until: datetime) -> list[int]:
        """Extend this node's claims on `job_ids` to `until` (while their deliveries are being
        posted); the ids it still held and renewed. A job another node took over is left out."""
        ...

    async def start_post(self, job_id: int, node: str, index: int, now: datetime) -> bool:
        """Record, before the platform call, that delivery `index` of a job is being posted.
        False, recording nothing, unless this node holds the job with a lease running past
        `now` and the deliveries before `index` (and no others) are recorded as out: then it
        must not post (another node has the job, or it is further along than this node knew)."""
        ...

    async def record_post(self, job_id: int, index: int, message_id: str) -> bool:
        """Record, after the platform call, that delivery `index` is out as `message_id` (""
        when the platform gives none). Recorded whoever holds the job now: the post is out
        either way. False if the job is done or a record for `index` exists."""
        ...

    async def count_due_jobs(self, platform: str, now: datetime) -> int:
        """How many of the platform's jobs are due at `now` and not done (held or not)."""
        ...

    async def next_job_due(self, platform: str) -> datetime | None:
        """When the platform's soonest pending job falls due, or sooner the lease of a claimed
        one runs out (so a dead node's job is retaken on time); None if neither exists. It may
        be in the past: something is claimable now."""
        ...
