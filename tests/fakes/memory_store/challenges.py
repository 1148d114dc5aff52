"""The challenges port in memory: one running challenge per channel, entries, the boards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.ports import (
    Board,
    BoardRow,
    EntryScore,
    NewChallenge,
    NewJob,
    Scope,
    StoredChallenge,
    StoredEntry,
    UserKey,
)

from .data import ChallengeRow, EntryRow, MemoryData, PointsRow, utc
from .jobs import MemoryJobs


class MemoryChallenges(MemoryJobs):
    _data: MemoryData

    async def start_challenge(
        self, challenge: NewChallenge, reveal: NewJob
    ) -> StoredChallenge | None:
        c = challenge
        if self._running_challenge(c.scope) is not None:
            return None
        row = ChallengeRow(
            self._data.next_id(),
            c.scope,
            c.scope.board,
            c.drill_id,
            dict(c.params),
            c.starter,
            utc(c.started_at),
            utc(c.deadline),
            c.target,
            reveal.key,
        )
        self._data.challenges[row.id] = row
        self._schedule(reveal)
        return _challenge(row)

    async def running_challenge(self, scope: Scope) -> StoredChallenge | None:
        row = self._running_challenge(scope)
        return None if row is None else _challenge(row)

    async def challenge(self, challenge_id: int) -> StoredChallenge | None:
        row = self._data.challenges.get(challenge_id)
        return None if row is None else _challenge(row)

    async def challenge_by_reveal(self, job_key: str) -> StoredChallenge | None:
        rows = self._data.challenges.values()
        return next((_challenge(r) for r in rows if r.reveal_key == job_key), None)

    async def join_challenge(
        self, challenge_id: int, user: UserKey, display_name: str, now: datetime
    ) -> bool:
        challenge = self._data.challenges.get(challenge_id)
        if challenge is None or challenge.ended_at is not None or self._entry(challenge_id, user):
            return False
        row = EntryRow(self._data.next_id(), challenge_id, user, display_name, utc(now))
        self._data.entries[row.id] = row
        return True

    async def replace_challenge_answer(
        self, challenge_id: int, user: UserKey, expected: str, answer: str
    ) -> bool:
        challenge = self._data.challenges.get(challenge_id)
        entry = self._entry(challenge_id, user)
        if challenge is None or challenge.ended_at is not None or entry is None:
            return False
        if entry.answer != expected:
            return False
        entry.answer = answer
        return True

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        return [_entry(row) for row in self._entries(challenge_id)]

    async def end_challenge(
        self, challenge_id: int, ended_at: datetime, scores: Sequence[EntryScore]
    ) -> bool:
        challenge = self._data.challenges.get(challenge_id)
        if challenge is None or challenge.ended_at is not None:
            return False
        challenge.ended_at = utc(ended_at)
        for score in scores:
            entry = self._entry(challenge_id, score.user)
            if entry is not None:
                entry.covered, entry.total, entry.points = score.covered, score.total, score.points
        for entry in self._entries(challenge_id):
            if entry.points is not None:
                won = PointsRow(
                    challenge_id, entry.user, challenge.board, entry.points, utc(ended_at)
                )
                self._data.points[challenge_id, entry.user] = won
        self._cancel(challenge.reveal_key)
        return True

    async def leaderboard(self, board: Board, since: datetime | None, limit: int) -> list[BoardRow]:
        totals: dict[UserKey, tuple[int, int]] = {}
        for row in self._data.points.values():
            settings = self._data.settings.get(row.user)
            hidden = settings is not None and not settings.leaderboard_visible
            if row.board != board or hidden or (since is not None and row.won_at < since):
                continue
            points, count = totals.get(row.user, (0, 0))
            totals[row.user] = (points + row.points, count + 1)
        ranked = sorted(totals.items(), key=lambda item: (-item[1][0], str(item[0]).encode()))
        return [
            BoardRow(user, self._latest_name(user), points, count)
            for user, (points, count) in ranked[: max(limit, 0)]
        ]

    def _latest_name(self, user: UserKey) -> str:
        mine = [row for row in self._data.entries.values() if row.user == user]
        latest = max(mine, key=lambda row: (row.joined_at, row.id), default=None)
        return latest.display_name if latest is not None else str(user)

    def _running_challenge(self, scope: Scope) -> ChallengeRow | None:
        rows = self._data.challenges.values()
        return next((r for r in rows if r.scope == scope and r.ended_at is None), None)

    def _entries(self, challenge_id: int) -> list[EntryRow]:
        rows = [r for r in self._data.entries.values() if r.challenge_id == challenge_id]
        return sorted(rows, key=lambda row: (row.joined_at, row.id))

    def _entry(self, challenge_id: int, user: UserKey) -> EntryRow | None:
        return next((r for r in self._entries(challenge_id) if r.user == user), None)


def _challenge(row: ChallengeRow) -> StoredChallenge:
    return StoredChallenge(
        row.id,
        row.scope,
        row.board,
        row.drill_id,
        dict(row.params),
        row.starter,
        row.started_at,
        row.deadline,
        row.ended_at,
        row.target,
        row.reveal_key,
    )


def _entry(row: EntryRow) -> StoredEntry:
    return StoredEntry(
        row.user, row.display_name, row.answer, row.joined_at, row.covered, row.total, row.points
    )
