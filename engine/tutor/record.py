"""A learner's record as the study path reads it: revealed attempts, review dates and settings,
loaded from the drill port in one place so every study command sees the same values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.ports import DrillStore, StoredReview, StoredSession, UserKey, UserSettings
from engine.progress.summary import Attempt

WINDOW = 500  # ended drills considered (as /progress does)


@dataclass(frozen=True, slots=True)
class Record:
    attempts: tuple[Attempt, ...]  # revealed drills, newest first
    reviews: tuple[StoredReview, ...]  # soonest due first
    settings: UserSettings

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.tz or "UTC")

    @property
    def due(self) -> list[tuple[str, datetime]]:
        """(drill id, next review), soonest first."""
        return [(r.drill_id, r.due) for r in self.reviews]


def attempts_of(sessions: list[StoredSession]) -> tuple[Attempt, ...]:
    """The revealed drills among ended sessions, in the order given."""
    return tuple(
        Attempt(s.drill_id, s.ended_at, s.covered or 0, s.total or 0, s.missed or ())
        for s in sessions
        if s.outcome == "revealed" and s.ended_at is not None
    )


async def load_record(drills: DrillStore, user: UserKey) -> Record:
    attempts = attempts_of(await drills.sessions(user, WINDOW))
    reviews = tuple(await drills.reviews(user))
    settings = await drills.load_settings(user) or UserSettings()
    return Record(attempts, reviews, settings)
