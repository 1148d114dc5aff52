"""The drills port in memory: sessions, reviews, settings, and forgetting a user."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.ports import (
    DrillNudge,
    DrillParams,
    ReviewCard,
    ReviewReminder,
    StoredReview,
    StoredSession,
    UserKey,
    UserSettings,
)

from .data import MemoryData, SessionRow, utc


class MemoryDrills:
    _data: MemoryData

    async def start_session(
        self,
        user: UserKey,
        drill_id: str,
        params: DrillParams,
        started_at: datetime,
        deadline: datetime,
    ) -> int | None:
        if self._running_session(user) is not None:
            return None
        row = SessionRow(
            self._data.next_id(), user, drill_id, dict(params), utc(started_at), utc(deadline)
        )
        self._data.sessions[row.id] = row
        return row.id

    async def abandon_session(self, user: UserKey, ended_at: datetime) -> bool:
        row = self._running_session(user)
        if row is None:
            return False
        row.ended_at, row.outcome = utc(ended_at), "abandoned"
        return True

    async def running_session(self, user: UserKey) -> StoredSession | None:
        row = self._running_session(user)
        return None if row is None else _session(row)

    async def latest_session(self, user: UserKey) -> StoredSession | None:
        rows = self._of(user)
        return _session(rows[0]) if rows else None

    async def replace_answer(self, session_id: int, expected: str, answer: str) -> bool:
        row = self._data.sessions.get(session_id)
        if row is None or row.ended_at is not None or row.answer != expected:
            return False
        row.answer = answer
        return True

    async def finish_session(
        self,
        session_id: int,
        ended_at: datetime,
        covered: int,
        total: int,
        missed: Sequence[str],
    ) -> bool:
        row = self._data.sessions.get(session_id)
        if row is None or row.ended_at is not None:
            return False
        row.ended_at, row.outcome = utc(ended_at), "revealed"
        row.covered, row.total, row.missed = covered, total, tuple(missed)
        return True

    async def rate_session(
        self,
        user: UserKey,
        session_id: int,
        rating: str,
        drill_id: str,
        card: ReviewCard,
        due: datetime,
    ) -> bool:
        row = self._data.sessions.get(session_id)
        if row is None or row.user != user or row.outcome != "revealed" or row.rating:
            return False
        row.rating = rating
        self._data.reviews[user, drill_id] = (card, utc(due))
        return True

    async def record_hints(
        self, session_id: int, expected: Sequence[str], hints: Sequence[str]
    ) -> bool:
        row = self._data.sessions.get(session_id)
        if row is None or row.ended_at is not None or row.hints != tuple(expected):
            return False
        row.hints = tuple(hints)
        return True

    async def move_reviews(self, user: UserKey, moved: Sequence[tuple[str, ReviewCard]]) -> int:
        changed = 0
        for drill_id, card in moved:
            if (user, drill_id) in self._data.reviews:
                self._data.reviews[user, drill_id] = (card, utc(card.due))
                changed += 1
        return changed

    async def sessions(self, user: UserKey, limit: int) -> list[StoredSession]:
        ended = [row for row in self._of(user) if row.ended_at is not None]
        return [_session(row) for row in ended[: max(limit, 0)]]

    async def reviews(self, user: UserKey) -> list[StoredReview]:
        mine = [
            StoredReview(drill_id, card, due)
            for (owner, drill_id), (card, due) in self._data.reviews.items()
            if owner == user
        ]
        return sorted(mine, key=lambda r: (r.due, r.drill_id.encode()))

    async def load_settings(self, user: UserKey) -> UserSettings | None:
        return self._data.settings.get(user)

    async def save_settings(self, user: UserKey, settings: UserSettings) -> None:
        self._data.settings[user] = settings

    async def forget_user(self, user: UserKey) -> int:
        data = self._data
        gone = 0
        for table in (data.sessions, data.entries):
            for key in [k for k, row in table.items() if row.user == user]:
                del table[key]
                gone += 1
        for reviewed in [k for k in data.reviews if k[0] == user]:
            del data.reviews[reviewed]
            gone += 1
        gone += int(data.settings.pop(user, None) is not None)
        gone += int(data.miss_reviews.pop(user, None) is not None)
        for won in [k for k in data.points if k[1] == user]:
            del data.points[won]
            gone += 1
        for challenge in data.challenges.values():
            if challenge.starter == user:
                challenge.starter = None
        for nudge in [k for k, j in data.jobs.items() if _nudges(j.payload, user)]:
            del data.jobs[nudge]  # not counted, as the databases do not count them
        return gone

    def _running_session(self, user: UserKey) -> SessionRow | None:
        return next((r for r in self._of(user) if r.ended_at is None), None)

    def _of(self, user: UserKey) -> list[SessionRow]:
        """The user's sessions, newest first."""
        rows = [row for row in self._data.sessions.values() if row.user == user]
        return sorted(rows, key=lambda row: -row.id)


def _session(row: SessionRow) -> StoredSession:
    return StoredSession(
        row.id,
        row.drill_id,
        dict(row.params),
        row.started_at,
        row.deadline,
        row.answer,
        row.ended_at,
        row.outcome,
        row.covered,
        row.total,
        row.missed,
        row.rating,
        row.hints,
    )


def _nudges(payload: object, user: UserKey) -> bool:
    """A job that names the user: a drill's nudge, or a review reminder (done ones too)."""
    return isinstance(payload, DrillNudge | ReviewReminder) and payload.user == user
