"""What the Tutor and the sweeper report as they work, for whoever counts it (bot/metrics.py's
Prometheus metrics), without the engine knowing who that is.

One call per place: the Tutor reports each command once it has its reply, the sweeper each
sweep's backlog, each claimed job and how each ended. `NO_OBSERVER` is the default, so a Tutor
built without one (the console, the tests) pays nothing.
"""

from __future__ import annotations

from typing import Literal, Protocol

# How a command ended: answered, refused with a usage or domain message (bad input, not
# allowed, nothing running), or failed inside (the generic reply with a reference id).
CommandOutcome = Literal["ok", "refused", "failed"]

# How a claimed job ended: its deliveries posted and the job finished; a delivery failed (the
# job stays claimed and is retried after its lease); dropped after too many attempts; delivered
# but the lease had passed to another node; nothing to deliver any more (a revealed drill); or
# refused for good by the platform (recorded with its reason, and finished).
JobOutcome = Literal["delivered", "failed", "dropped", "lost", "skipped", "refused"]

# How a save that ran after its reply (Tutor.reply_then_save) ended: saved; dropped because
# another process saved the scope first; or failed (logged with a reference).
DeferredSave = Literal["saved", "conflict", "failed"]


class Observer(Protocol):
    def command_handled(
        self, platform: str, command: str, outcome: CommandOutcome, seconds: float
    ) -> None:
        """A command (its spec's name: "trace", "challenge", …) answered in `seconds`."""

    def jobs_due(self, platform: str, count: int) -> None:
        """How many of the platform's jobs were due and undelivered at a sweep."""

    def job_claimed(self, platform: str, kind: str, late_by_s: float, *, late: bool) -> None:
        """A job claimed for delivery `late_by_s` after its due time; `late` when that is past
        the sweeper's grace (the delivery then says it is late)."""

    def job_finished(self, platform: str, kind: str, outcome: JobOutcome) -> None:
        """How a claimed job ended."""

    def deferred_save(self, platform: str, outcome: DeferredSave) -> None:
        """How a save made after its reply ended."""


class NoObserver:
    """Counts nothing."""

    def command_handled(
        self, platform: str, command: str, outcome: CommandOutcome, seconds: float
    ) -> None:
        return None

    def jobs_due(self, platform: str, count: int) -> None:
        return None

    def job_claimed(self, platform: str, kind: str, late_by_s: float, *, late: bool) -> None:
        return None

    def job_finished(self, platform: str, kind: str, outcome: JobOutcome) -> None:
        return None

    def deferred_save(self, platform: str, outcome: DeferredSave) -> None:
        return None


NO_OBSERVER: Observer = NoObserver()
