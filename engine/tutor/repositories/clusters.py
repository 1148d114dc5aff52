"""The simulated clusters of every scope: loaded (through the cache), changed and saved.

`update` saves a change before its caller answers, and on a conflict (another process saved the
scope first) runs the change again on a fresh load. `change` makes the change and hands it back
unsaved, for a reply that goes out first (`Tutor.reply_then_save`); `save_later` then saves it
once. The reply cannot be taken back, so a conflict or a failure there is logged with a reference
and the scope dropped from the cache: its next command reloads from the store.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from engine.errors import ConflictError
from engine.observer import DeferredSave
from engine.ports import ChangeNote, Clock, ClusterSave, ClusterStore, Scope, StoredTrace
from engine.sim.codec import StateFormatError, dump_state, load_state
from engine.sim.state import ClusterState, new_cluster
from engine.tutor import retry, trace_codec
from engine.tutor.repositories.cluster_cache import ClusterCache
from engine.tutor.repositories.save_batch import SaveBatch
from engine.tutor.trace_codec import KeptTrace

log = logging.getLogger(__name__)

T = TypeVar("T")
# A change of a cluster: its result, and the trace it made (kept with the save), if any.
Change = Callable[[ClusterState], tuple[T, KeptTrace | None]]


@dataclass(frozen=True, slots=True)
class Noted:
    """Who made a /cluster change and what it was, for the history it is saved with. The
    repository adds the cluster as it was just before (what an undo brings back); an undo's own
    row keeps none, and names the change it reverts."""

    user_id: str
    words: str
    undo_of: int | None = None


@dataclass(frozen=True, slots=True)
class Unsaved:
    """A change that was made (and perhaps answered) but is not saved yet."""

    scope: Scope
    version: int  # the version it was made from: the save expects to find it still stored
    state: ClusterState  # out of the cache, and touched by nobody, until it is saved
    trace: KeptTrace | None  # the trace the change made, stored with it
    at: datetime
    note: ChangeNote | None = None  # a /cluster change's history row (a trace has none)


class ClusterRepository:
    def __init__(self, store: ClusterStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._cache = ClusterCache()
        self._saves = SaveBatch(store)

    async def load(self, scope: Scope) -> ClusterState:
        stored = await self._store.load_cluster(scope)
        return self._decode(stored.document) if stored else new_cluster()

    async def delete(self, scope: Scope) -> None:
        self._cache.drop(scope)
        await self._store.delete_cluster(scope)

    async def update(self, scope: Scope, change: Change[T], noted: Noted | None = None) -> T:
        """Change a cluster and save it (with the trace, if the change made one).

        The first attempt starts from the cached cluster when there is one; if another process
        saved in between, the save fails and the next attempts start from a fresh load, after
        a short random pause. The change function is pure, so running it again is safe."""
        for attempt in range(retry.ATTEMPTS):
            result, unsaved = await self.change(scope, change, fresh=attempt > 0, noted=noted)
            if await self._save(unsaved):
                return result
            await retry.back_off(attempt)
        raise ConflictError("This channel's cluster is busy; try again in a moment.")

    async def update_once(self, scope: Scope, change: Change[T], noted: Noted) -> T | None:
        """Change and save once, from a fresh load; None, saving nothing, if someone saved the
        scope (or took the same change back) in between. For an undo: run again, it could
        take back a second change that nobody asked to undo."""
        result, unsaved = await self.change(scope, change, fresh=True, noted=noted)
        if await self._save(unsaved):
            return result
        self._cache.drop(scope)
        return None

    async def change(
        self, scope: Scope, change: Change[T], *, fresh: bool = False, noted: Noted | None = None
    ) -> tuple[T, Unsaved]:
        """Run `change` on the cached cluster (or a load of it) and hand it back unsaved."""
        cached = None if fresh else self._cache.take(scope)
        if cached is not None:
            version, state = cached
        else:
            stored = await self._store.load_cluster(scope)
            version = stored.version if stored else 0
            state = self._decode(stored.document) if stored else new_cluster()
        note = None
        if noted is not None:  # the cluster before the change: the change works in place
            before = dump_state(state) if noted.undo_of is None else None
            note = ChangeNote(noted.user_id, noted.words, before, noted.undo_of)
        result, trace = change(state)
        return result, Unsaved(scope, version, state, trace, self._clock.now(), note)

    async def save_later(self, unsaved: Unsaved) -> DeferredSave:
        """Save a change that was already answered. Never raises: a conflict or a failure is
        logged with a reference and the change dropped, and the scope reloads next time.
        Returns how it went, for the observer."""
        try:
            if await self._save(unsaved):
                return "saved"
            log.warning(
                "cluster %s: the change answered as trace #%s was not saved, someone else "
                "saved first; it is dropped and the cluster reloads [ref %s]",
                unsaved.scope,
                unsaved.trace.trace_no if unsaved.trace else "-",
                secrets.token_hex(4),
            )
            outcome: DeferredSave = "conflict"
        except asyncio.CancelledError:
            self._cache.drop(unsaved.scope)
            log.warning("saving cluster %s was cancelled (shutting down?)", unsaved.scope)
            raise
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("saving cluster %s after the reply failed [ref %s]", unsaved.scope, ref)
            outcome = "failed"
        self._cache.drop(unsaved.scope)
        return outcome

    async def _save(self, unsaved: Unsaved) -> bool:
        """Save if nobody saved the scope since `unsaved.version`; then cache it as saved."""
        kept = unsaved.trace
        trace = None if kept is None else StoredTrace(kept.trace_no, trace_codec.encode(kept))
        document = dump_state(unsaved.state)
        save = ClusterSave(
            unsaved.scope, document, unsaved.version, unsaved.at, trace, unsaved.note
        )
        if not await self._saves.save(save):
            return False
        self._cache.put(unsaved.scope, unsaved.version + 1, unsaved.state)
        return True

    def _decode(self, document: str) -> ClusterState:
        try:
            return load_state(document)
        except StateFormatError:
            # A cluster is a sandbox, not progress: start a fresh one rather than fail forever.
            log.warning("unreadable cluster state replaced with a fresh cluster")
            return new_cluster()
