"""The clusters port: each scope's simulated cluster and its latest traces.

The cluster and trace documents are the simulation's own formats (engine/sim/codec.py and the
Tutor's trace codec), versioned by their writers; to storage they are opaque text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from engine.ports.keys import Board, Scope

TRACE_RING = 16  # traces kept per scope: the latest 16, by trace number
HISTORY_KEPT = 20  # changes kept per scope's history: the latest 20


@dataclass(frozen=True, slots=True)
class ChangeNote:
    """The history row a cluster change is saved with (in the same transaction)."""

    user_id: str  # who made it: an id, never a name (names are resolved when shown)
    words: str  # the change in words: "set lb=least_conn servers=4", "kill app-1"
    before: str | None  # the cluster document just before it (None on an undo's own row)
    undo_of: int | None = None  # an undo: the change it reverts (refused if undone already)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    at: datetime
    user_id: str  # "" once the user asked to be forgotten
    words: str
    undo_of: int | None
    undone: bool
    before: str | None  # None on an undo's row, once undone, or once it named a forgotten user

    @property
    def undoable(self) -> bool:
        return self.undo_of is None and not self.undone and self.before is not None


@dataclass(frozen=True, slots=True)
class StoredCluster:
    document: str  # the cluster state as the simulation's codec wrote it
    version: int  # bumped by every save; saves name the version they read (optimistic locking)


@dataclass(frozen=True, slots=True)
class StoredTrace:
    trace_no: int
    document: str


@dataclass(frozen=True, slots=True)
class ClusterSave:
    """One save: the cluster a change made from `expected_version` (0: none stored yet), and the
    trace that change produced, if any."""

    scope: Scope
    document: str
    expected_version: int
    at: datetime
    trace: StoredTrace | None = None
    change: ChangeNote | None = None  # a /cluster change (a trace has none): kept in history


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """What a channel has chosen for everybody in it (its admins set it)."""

    images: bool = True  # False: replies in the channel carry no pictures


class ClusterStore(Protocol):
    """A scope's simulated cluster, saved with optimistic versioning, and its recent traces."""

    async def load_cluster(self, scope: Scope) -> StoredCluster | None:
        """The cluster of a scope, or None if it has none yet."""
        ...

    async def save_cluster(
        self,
        scope: Scope,
        document: str,
        expected_version: int,
        now: datetime,
        trace: StoredTrace | None = None,
    ) -> bool:
        """Save if the stored version is still `expected_version` (0: none stored yet), together
        with the trace that produced it, in one transaction. Returns False, changing nothing, if
        someone else saved first."""
        ...

    async def save_clusters(self, saves: Sequence[ClusterSave]) -> list[bool]:
        """Several saves at once (of different scopes), each as `save_cluster` would do it, in
        as few transactions as the store can: the results, in order. A save that conflicts
        changes nothing and does not keep the others from landing."""
        ...

    async def load_trace(self, scope: Scope, trace_no: int) -> str | None:
        """A recent trace of the scope; only the latest `TRACE_RING` are kept."""
        ...

    async def delete_cluster(self, scope: Scope) -> int:
        """Delete a scope's cluster, its traces and its climb; returns how many rows went."""
        ...

    async def load_channel_settings(self, scope: Scope) -> ChannelSettings | None:
        """A channel's settings; None if it never saved any."""
        ...

    async def save_channel_settings(self, scope: Scope, settings: ChannelSettings) -> None:
        """Replace a channel's settings."""
        ...

    async def cluster_history(self, scope: Scope) -> list[HistoryEntry]:
        """The scope's kept changes (at most HISTORY_KEPT), newest first."""
        ...

    async def forget_in_history(self, board: Board, user_id: str, text: str) -> int:
        """Blank `user_id` on the workspace's history rows, and drop the `before` documents
        that contain `text` (the user's reference); how many rows changed."""
        ...

    async def scopes_mentioning(self, board: Board, text: str) -> list[Scope]:
        """The scopes of a workspace whose cluster document or a stored trace contains `text`
        (a user's reference, for /forget-me): a full scan, in scope order."""
        ...

    async def delete_traces_mentioning(self, board: Board, text: str) -> int:
        """Delete the stored traces of a workspace that contain `text`; how many went."""
        ...
