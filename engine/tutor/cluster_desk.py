"""The simulated clusters of every scope: loaded (through the cache), changed and saved.

`update` saves a change before its caller answers, and on a conflict (another process saved the
scope first) runs the change again on a fresh load. `UnsavedUpdates` makes the change and hands
it back unsaved, for a reply that goes out first (`Tutor.save_after_reply`); `save_after_reply`
then saves it once. The reply cannot be taken back, so a conflict or a failure there is logged
with a reference and the scope dropped from the cache: its next command reloads from the store.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar

from engine.errors import ConflictError
from engine.ports import Clock, Store, StoredTrace
from engine.sim.codec import StateFormatError, dump_state, load_state
from engine.sim.state import ClusterState, new_cluster
from engine.sim.trace import Trace
from engine.tutor import views
from engine.tutor.cluster_cache import ClusterCache

log = logging.getLogger(__name__)

T = TypeVar("T")
SAVE_ATTEMPTS = 12  # optimistic retries when another process saved the same cluster first


@dataclass(frozen=True, slots=True)
class Unsaved:
    """A change that was made (and answered) but is not saved yet."""

    scope: str
    version: int  # the version it was made from: the save expects to find it still stored
    state: ClusterState  # out of the cache, and touched by nobody, until it is saved
    trace: Trace | None  # the trace the change made, kept with it
    at: datetime


class Updates(Protocol):
    async def update(self, scope: str, change: Callable[[ClusterState], T]) -> T:
        """Run `change` on the scope's cluster and return its result."""
        ...


class ClusterDesk:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._cache = ClusterCache()

    async def load(self, scope: str) -> ClusterState:
        stored = await self._store.load_cluster(scope)
        return self._decode(stored.document) if stored else new_cluster()

    async def delete(self, scope: str) -> None:
        self._cache.drop(scope)
        await self._store.delete_cluster(scope)

    async def update(self, scope: str, change: Callable[[ClusterState], T]) -> T:
        """Change a cluster and save it (with the trace, if the change made one).

        The first attempt starts from the cached cluster when there is one; if another process
        saved in between, the save fails and the next attempts start from a fresh load, after
        a short random pause. The change function is pure, so running it again is safe."""
        for attempt in range(SAVE_ATTEMPTS):
            result, unsaved = await self.change(scope, change, fresh=attempt > 0)
            if await self._save(unsaved):
                return result
            # Back off for a random moment so that racing nodes stop colliding in lockstep.
            await asyncio.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))  # noqa: S311
        raise ConflictError("This channel's cluster is busy; try again in a moment.")

    async def change(
        self, scope: str, change: Callable[[ClusterState], T], *, fresh: bool = False
    ) -> tuple[T, Unsaved]:
        """Run `change` on the cached cluster (or a load of it) and hand it back unsaved."""
        cached = None if fresh else self._cache.take(scope)
        if cached is not None:
            version, state = cached
        else:
            stored = await self._store.load_cluster(scope)
            version = stored.version if stored else 0
            state = self._decode(stored.document) if stored else new_cluster()
        result = change(state)
        trace = result if isinstance(result, Trace) else None
        return result, Unsaved(scope, version, state, trace, self._clock.now())

    async def save_after_reply(self, unsaved: Unsaved) -> None:
        """Save a change that was already answered. Never raises: a conflict or a failure is
        logged with a reference and the change dropped, and the scope reloads next time."""
        try:
            if await self._save(unsaved):
                return
            log.warning(
                "cluster %s: the change answered as trace #%s was not saved, someone else "
                "saved first; it is dropped and the cluster reloads [ref %s]",
                unsaved.scope,
                unsaved.trace.trace_no if unsaved.trace else "-",
                secrets.token_hex(4),
            )
        except asyncio.CancelledError:
            self._cache.drop(unsaved.scope)
            log.warning("saving cluster %s was cancelled (shutting down?)", unsaved.scope)
            raise
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("saving cluster %s after the reply failed [ref %s]", unsaved.scope, ref)
        self._cache.drop(unsaved.scope)

    async def _save(self, unsaved: Unsaved) -> bool:
        """Save if nobody saved the scope since `unsaved.version`; then cache it as saved."""
        trace = None
        if unsaved.trace is not None:
            trace = StoredTrace(unsaved.trace.trace_no, views.trace_document(unsaved.trace))
        document = dump_state(unsaved.state)
        scope, version = unsaved.scope, unsaved.version
        if not await self._store.save_cluster(scope, document, version, unsaved.at, trace):
            return False
        self._cache.put(scope, version + 1, unsaved.state)
        return True

    def _decode(self, document: str) -> ClusterState:
        try:
            return load_state(document)
        except StateFormatError:
            # A cluster is a sandbox, not progress: start a fresh one rather than fail forever.
            log.warning("unreadable cluster state replaced with a fresh cluster")
            return new_cluster()


class UnsavedUpdates:
    """`Updates` for a reply that goes out before the save: the change is made and kept, unsaved,
    in `unsaved` (one per command), for the caller to save once it has answered."""

    def __init__(self, desk: ClusterDesk) -> None:
        self._desk = desk
        self.unsaved: Unsaved | None = None

    async def update(self, scope: str, change: Callable[[ClusterState], T]) -> T:
        result, self.unsaved = await self._desk.change(scope, change)
        return result
