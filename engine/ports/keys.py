"""Whose and where: typed keys for users, the clusters of channels and DMs, and leaderboards.

They cross every port as values; only storage turns them into text and back (the text forms,
`platform:workspace:user` and `platform:workspace:ch:id`, are what `str()` shows in logs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Board:
    """The leaderboard of a workspace (Slack) or server (Discord): points are counted per board."""

    platform: str
    workspace: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}"


@dataclass(frozen=True, slots=True)
class UserKey:
    """A user of one workspace: progress, drills and settings are keyed by it."""

    platform: str
    workspace: str
    user_id: str
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.platform, self.workspace, self.user_id)))

    def __hash__(self) -> int:  # keys every lock and cache lookup: computed once
        return self._hash

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.user_id}"


class ScopeKind(StrEnum):
    CHANNEL = "ch"  # shared by everybody in the channel
    OWN = "dm"  # a user's own space: their DM with the bot, or the console's own


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a cluster lives (and a challenge or a daily drill runs): a channel, or a user's own
    space. Everybody in a channel shares its cluster, so one person's read warms the cache."""

    platform: str
    workspace: str
    kind: ScopeKind
    id: str  # the channel id, or the user id of an own space
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = (self.platform, self.workspace, self.kind, self.id)
        object.__setattr__(self, "_hash", hash(key))

    def __hash__(self) -> int:  # keys every lock and cache lookup: computed once
        return self._hash

    @property
    def board(self) -> Board:
        return Board(self.platform, self.workspace)

    def __str__(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.kind.value}:{self.id}"
