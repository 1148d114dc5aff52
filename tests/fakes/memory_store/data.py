"""What the in-memory stores keep: plain rows in dicts, shared by every store opened on them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from engine.ports import (
    Board,
    ChannelSettings,
    DrillParams,
    HistoryEntry,
    JobPayload,
    PostFailure,
    ReviewCard,
    ScheduleSpec,
    Scope,
    Target,
    UserKey,
    UserSettings,
)


def utc(when: datetime) -> datetime:
    """Instants come back in UTC, as the SQL stores give them."""
    return when.astimezone(UTC)


@dataclass
class SessionRow:
    id: int
    user: UserKey
    drill_id: str
    params: dict[str, float]
    started_at: datetime
    deadline: datetime
    answer: str = ""
    ended_at: datetime | None = None
    outcome: str | None = None
    covered: int | None = None
    total: int | None = None
    missed: tuple[str, ...] | None = None
    rating: str | None = None
    hints: tuple[str, ...] = ()


@dataclass
class JobRow:
    id: int
    key: str
    platform: str
    target: Target
    payload: JobPayload
    due_at: datetime
    claimed_by: str | None = None
    lease_until: datetime | None = None
    attempts: int = 0
    done_at: datetime | None = None
    next_key: str | None = None
    posting: int | None = None  # the delivery whose post was started
    posted: list[str] = field(default_factory=list)  # message ids of the deliveries out

    @property
    def pending(self) -> bool:
        return self.done_at is None and self.claimed_by is None


@dataclass
class ChallengeRow:
    id: int
    scope: Scope
    board: Board
    drill_id: str
    params: dict[str, float]
    starter: UserKey | None
    started_at: datetime
    deadline: datetime
    target: Target
    reveal_key: str
    ended_at: datetime | None = None


@dataclass
class EntryRow:
    id: int
    challenge_id: int
    user: UserKey
    display_name: str
    joined_at: datetime
    answer: str = ""
    covered: int | None = None
    total: int | None = None
    points: int | None = None


@dataclass
class PointsRow:
    challenge_id: int
    user: UserKey
    board: Board
    points: int
    won_at: datetime


@dataclass
class MemoryData:
    """The whole "database". Every method of the stores runs without awaiting in between, so on
    one event loop each is atomic, as a transaction would be."""

    clusters: dict[Scope, tuple[str, int]] = field(default_factory=dict)  # document, version
    traces: dict[tuple[Scope, int], tuple[int, str]] = field(default_factory=dict)  # by slot
    history: dict[Scope, list[HistoryEntry]] = field(default_factory=dict)  # oldest first
    history_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    channel_settings: dict[Scope, ChannelSettings] = field(default_factory=dict)
    sessions: dict[int, SessionRow] = field(default_factory=dict)
    reviews: dict[tuple[UserKey, str], tuple[ReviewCard, datetime]] = field(default_factory=dict)
    settings: dict[UserKey, UserSettings] = field(default_factory=dict)
    jobs: dict[str, JobRow] = field(default_factory=dict)  # by key
    seen_requests: dict[str, datetime] = field(default_factory=dict)  # request key -> when
    challenges: dict[int, ChallengeRow] = field(default_factory=dict)
    entries: dict[int, EntryRow] = field(default_factory=dict)
    points: dict[tuple[int, UserKey], PointsRow] = field(default_factory=dict)
    # spec, key of the pending job, the last post's failure
    schedules: dict[Scope, tuple[ScheduleSpec, str, PostFailure | None]] = field(
        default_factory=dict
    )
    climbs: dict[Scope, tuple[int, str, int]] = field(default_factory=dict)  # game, doc, version
    miss_reviews: dict[UserKey, str] = field(default_factory=dict)
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def params(self, params: DrillParams) -> dict[str, float]:
        return dict(params)
