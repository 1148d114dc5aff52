"""The challenges port: timed team challenges, their entries, and the boards they score on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from engine.ports.drills import DrillParams
from engine.ports.jobs import NewJob, Target
from engine.ports.keys import Board, Scope, UserKey


@dataclass(frozen=True, slots=True)
class NewChallenge:
    scope: Scope  # the channel it runs in; it counts towards the channel's board
    drill_id: str
    params: DrillParams
    starter: UserKey
    started_at: datetime
    deadline: datetime
    target: Target  # where the reveal is posted


@dataclass(frozen=True, slots=True)
class StoredChallenge:
    id: int
    scope: Scope
    board: Board
    drill_id: str
    params: DrillParams
    starter: UserKey | None  # None once that user has been forgotten
    started_at: datetime
    deadline: datetime
    ended_at: datetime | None
    target: Target
    reveal_key: str  # the key of its reveal job


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """One participant of a challenge."""

    user: UserKey
    display_name: str
    answer: str
    joined_at: datetime
    covered: int | None  # set by the reveal
    total: int | None
    points: int | None


@dataclass(frozen=True, slots=True)
class EntryScore:
    user: UserKey
    covered: int
    total: int
    points: int


@dataclass(frozen=True, slots=True)
class BoardRow:
    user: UserKey
    display_name: str
    points: int
    challenges: int


class ChallengeStore(Protocol):
    """Team challenges in channels, their participants, and the leaderboards."""

    async def start_challenge(
        self, challenge: NewChallenge, reveal: NewJob
    ) -> StoredChallenge | None:
        """Start a challenge and schedule its reveal job, in one transaction; the challenge as
        stored. None, changing nothing, if its channel already has one running."""
        ...

    async def running_challenge(self, scope: Scope) -> StoredChallenge | None: ...

    async def challenge(self, challenge_id: int) -> StoredChallenge | None: ...

    async def challenge_by_reveal(self, job_key: str) -> StoredChallenge | None:
        """The challenge whose reveal job has this key."""
        ...

    async def join_challenge(
        self, challenge_id: int, user: UserKey, display_name: str, now: datetime
    ) -> bool:
        """Add a participant; False if already in, or if the challenge has ended."""
        ...

    async def replace_challenge_answer(
        self, challenge_id: int, user: UserKey, expected: str, answer: str
    ) -> bool:
        """Set a participant's answer to `answer` if it is still `expected`; False, changing
        nothing, if the challenge has ended, the user has not joined, or the answer changed."""
        ...

    async def challenge_entries(self, challenge_id: int) -> list[StoredEntry]:
        """The participants, in the order they joined."""
        ...

    async def end_challenge(
        self, challenge_id: int, ended_at: datetime, scores: Sequence[EntryScore]
    ) -> bool:
        """End a challenge once: record each score and its points on the board, and cancel its
        reveal job if that is still pending. False, changing nothing, if it had already ended."""
        ...

    async def leaderboard(self, board: Board, since: datetime | None, limit: int) -> list[BoardRow]:
        """Points won on a board since an instant (None: all time), highest first (ties by user
        key), leaving out users whose settings are not `leaderboard_visible`; each with the
        display name of their latest entry."""
        ...
