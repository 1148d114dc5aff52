"""The schedules port: each channel's daily drill and the job of its next post; and each
learner's review reminder, which is the daily schedule of their own scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from engine.ports.jobs import NewJob
from engine.ports.keys import Scope


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    at: time  # local wall-clock time of day
    tz: str  # an IANA zone name
    topic: str | None  # a topic or drill id; None: any drill
    nonce: str  # keeps job keys unique when the same time is set again
    # Local dates with no run: "skip tomorrow" of a daily drill, "snooze a day" of a reminder.
    skipped: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class StoredSchedule:
    scope: Scope
    spec: ScheduleSpec
    job_key: str  # the pending job of the next post


class ScheduleStore(Protocol):
    """A channel's daily schedule and its pending job, changed together."""

    async def set_schedule(self, scope: Scope, spec: ScheduleSpec, first: NewJob) -> None:
        """Set a channel's daily schedule, replacing any other: the old pending job is
        cancelled and `first` scheduled, in one transaction."""
        ...

    async def load_schedule(self, scope: Scope) -> StoredSchedule | None: ...

    async def clear_schedule(self, scope: Scope) -> bool:
        """Remove a channel's schedule and cancel its pending job; False if it had none."""
        ...

    async def advance_schedule(
        self, scope: Scope, job_key: str, job_id: int, node: str, now: datetime, then: NewJob
    ) -> bool:
        """Finish the daily job `job_id` and schedule the next run `then`, pointing the
        schedule at it, in one transaction. False if this node lost the claim, or if the
        schedule was changed or removed meanwhile (then the job is still marked done)."""
        ...
