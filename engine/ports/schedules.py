"""The schedules port: each channel's daily drill and the job of its next post; and each
learner's review reminder, which is the daily schedule of their own scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
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


class FailureReason(StrEnum):
    """Why the platform refused a scheduled post, in the terms its fix is given in."""

    NO_ACCESS = "no_access"  # the bot was removed from the channel, or may not post there
    CHANNEL_GONE = "channel_gone"  # the channel was deleted or archived
    DM_CLOSED = "dm_closed"  # the user does not take direct messages from the bot
    PLATFORM_ERROR = "platform_error"  # the platform kept failing, attempt after attempt


@dataclass(frozen=True, slots=True)
class PostFailure:
    """The latest scheduled post of a schedule that did not go out, kept with the schedule
    until a post goes out again: shown by `/schedule show` (or the learner's settings) and
    at the top of the next post that succeeds."""

    reason: FailureReason
    detail: str  # the platform's own words, e.g. "Discord 403 50001: Missing Access"
    due_at: datetime  # when the failed post was due
    count: int = 1  # failed posts in a row


@dataclass(frozen=True, slots=True)
class StoredSchedule:
    scope: Scope
    spec: ScheduleSpec
    job_key: str  # the pending job of the next post
    failure: PostFailure | None = None  # the last post failed (and none went out since)


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
        self,
        scope: Scope,
        job_key: str,
        job_id: int,
        node: str,
        now: datetime,
        then: NewJob,
        failure: PostFailure | None = None,
    ) -> bool:
        """Finish the daily job `job_id` and schedule the next run `then`, pointing the
        schedule at it, and keep `failure` as the schedule's (None: the post went out, which
        clears a failure kept before), in one transaction. False if this node lost the claim,
        or if the schedule was changed or removed meanwhile (then the job is still marked
        done). Setting a schedule again keeps its failure: only a post that goes out clears it."""
        ...
