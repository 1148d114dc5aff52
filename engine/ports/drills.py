"""The drills port: per-user drill sessions, their review schedule, and the user's settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from engine.ports.keys import UserKey

# The numbers drawn for one attempt, by parameter name (`{"qps": 80000.0}`).
DrillParams = Mapping[str, float]


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A drill attempt as the store keeps it. Times are aware UTC instants."""

    id: int
    drill_id: str
    params: DrillParams
    started_at: datetime
    deadline: datetime
    answer: str
    ended_at: datetime | None
    outcome: str | None  # "revealed" or "abandoned" once ended
    covered: int | None
    total: int | None
    missed: tuple[str, ...] | None  # checklist item ids, once revealed
    rating: str | None
    hints: tuple[str, ...] = ()  # checklist item ids the attempt's hints pointed at, in order


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """A drill's spaced-repetition card (the fields of an FSRS card; engine/drills/reviews.py
    turns it into the scheduler's own and back)."""

    card_id: int
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


@dataclass(frozen=True, slots=True)
class StoredReview:
    drill_id: str
    card: ReviewCard
    due: datetime


@dataclass(frozen=True, slots=True)
class UserSettings:
    tz: str | None = None  # an IANA zone name; None: UTC, the default
    leaderboard_visible: bool = True  # False: left out of every leaderboard (points are kept)
    images: bool = True  # False: replies in words only, without their pictures
    interview: date | None = None  # reviews aim to come round before this local date


class DrillStore(Protocol):
    """Per user: drill sessions, reviews, settings, and forgetting all of it."""

    async def start_session(
        self,
        user: UserKey,
        drill_id: str,
        params: DrillParams,
        started_at: datetime,
        deadline: datetime,
    ) -> int | None:
        """Start a drill; None (changing nothing) if the user already has one running."""
        ...

    async def abandon_session(self, user: UserKey, ended_at: datetime) -> bool:
        """End the user's running drill without a reveal; False if none was running."""
        ...

    async def running_session(self, user: UserKey) -> StoredSession | None: ...

    async def latest_session(self, user: UserKey) -> StoredSession | None:
        """The user's most recent drill, running or ended."""
        ...

    async def replace_answer(self, session_id: int, expected: str, answer: str) -> bool:
        """Set the sketch of a running drill to `answer` if it is still `expected`; False,
        changing nothing, if the drill has ended or its sketch changed meanwhile."""
        ...

    async def finish_session(
        self,
        session_id: int,
        ended_at: datetime,
        covered: int,
        total: int,
        missed: Sequence[str],
    ) -> bool:
        """Record the reveal; False (changing nothing) if the drill had already ended."""
        ...

    async def record_hints(
        self, session_id: int, expected: Sequence[str], hints: Sequence[str]
    ) -> bool:
        """Set a running drill's hints to `hints` if they are still `expected`; False, changing
        nothing, if the drill has ended or another hint was recorded meanwhile."""
        ...

    async def move_reviews(self, user: UserKey, moved: Sequence[tuple[str, ReviewCard]]) -> int:
        """Replace the cards (and due dates: the card's) of the user's existing reviews, by
        drill id, in one transaction; a drill without a review is left out. Returns how many
        changed."""
        ...

    async def rate_session(
        self,
        user: UserKey,
        session_id: int,
        rating: str,
        drill_id: str,
        card: ReviewCard,
        due: datetime,
    ) -> bool:
        """Record the self-rating and the drill's next review together; False if the session is
        not a revealed, unrated drill of this user."""
        ...

    async def sessions(self, user: UserKey, limit: int) -> list[StoredSession]:
        """The user's ended drills, newest first."""
        ...

    async def reviews(self, user: UserKey) -> list[StoredReview]:
        """The user's review schedule, soonest due first (ties by drill id)."""
        ...

    async def load_settings(self, user: UserKey) -> UserSettings | None:
        """The user's settings; None if they never saved any."""
        ...

    async def save_settings(self, user: UserKey, settings: UserSettings) -> None: ...

    async def forget_user(self, user: UserKey) -> int:
        """Delete every row about the user (drills, reviews, settings, challenge entries and
        points; challenges they started stay, without them); returns how many were deleted."""
        ...
