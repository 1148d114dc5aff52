"""/cluster history and /cluster undo: who changed a scope's cluster and how, and taking the
last change back.

Every /cluster change but `wait` (simulated time passing, like a trace) is saved with a
history row in the same transaction: who (an id), when, the change in words, and the cluster
just before it. Undo takes back the newest change not undone yet: its setup comes back
(engine/sim/undo.py: the configuration and which nodes are up; what traffic did since stays;
a reset comes back whole). It is saved once, against the version it read and only if that
change is still not undone, so of two undos at once one applies and the other is told; it is
recorded in the history too. A second undo takes back the change before that one.
"""

from __future__ import annotations

from typing import assert_never
from zoneinfo import ZoneInfo

from engine.commands import types as t
from engine.errors import ConflictError, NotFoundError
from engine.ports import ClusterStore, DrillStore, HistoryEntry
from engine.replies import Reply, Visibility
from engine.sim.codec import StateFormatError, load_state
from engine.sim.state import ClusterState
from engine.sim.undo import restore_all, restore_setup
from engine.tutor.actor import Actor
from engine.tutor.presenters import history as present
from engine.tutor.repositories.clusters import ClusterRepository, Noted


def noted(actor: Actor, command: t.ClusterChangeCommand) -> Noted | None:
    """The history row of a change (None for `wait`: time passing is not a change of setup)."""
    words = change_words(command)
    return None if words is None else Noted(actor.user_id, words)


def change_words(command: t.ClusterChangeCommand) -> str | None:
    """The change in words, from the parsed command (so never text a user typed as is)."""
    match command:
        case t.ClusterResetCommand(seed):
            return "reset" if seed is None else f"reset seed={seed}"
        case t.ClusterSetCommand(changes):
            return "set " + " ".join(f"{key}={_shown(value)}" for key, value in changes)
        case t.ClusterKillCommand(node, mode):
            return f"kill {node}" + (" host" if mode == "host" else "")
        case t.ClusterReviveCommand(node):
            return f"revive {node}"
        case t.ClusterSlowCommand(node, ms):
            return f"slow {node}" + ("" if ms is None else f" {ms}ms")
        case t.ClusterWaitCommand():
            return None
        case t.ClusterAddCommand(kind):
            return f"add {kind}"
        case t.ClusterPromoteCommand(node):
            return f"promote {node}"
        case _:
            assert_never(command)


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(getattr(value, "value", value))


class ClusterHistoryHandler:
    def __init__(
        self, clusters: ClusterRepository, store: ClusterStore, settings: DrillStore
    ) -> None:
        self._clusters = clusters
        self._store = store
        self._settings = settings

    async def history(self, actor: Actor) -> Reply:
        entries = await self._store.cluster_history(actor.cluster_scope)
        settings = await self._settings.load_settings(actor.user_key) if entries else None
        zone = ZoneInfo(settings.tz if settings is not None and settings.tz else "UTC")
        return present.history_reply(_where(actor), entries, actor.user_id, zone)

    async def undo(self, actor: Actor) -> Reply:
        scope = actor.cluster_scope
        entries = await self._store.cluster_history(scope)
        last = next((entry for entry in entries if entry.undoable), None)
        if last is None:
            raise NotFoundError(present.nothing_to_undo(entries))
        before = _decoded(last)

        def change(state: ClusterState) -> tuple[bool, None]:
            whole = last.words.split(" ", 1)[0] == "reset"
            (restore_all if whole else restore_setup)(state, before)
            return whole, None

        undo = Noted(actor.user_id, f"undo: {last.words}", undo_of=last.id)
        whole = await self._clusters.update_once(scope, change, undo)
        if whole is None:
            raise ConflictError(
                "Someone changed this cluster (or undid that change) just now, so nothing was "
                "undone. See /cluster history, then /cluster undo again if you still want to."
            )
        visibility = Visibility.PUBLIC if actor.in_channel else Visibility.PRIVATE
        return present.undone_reply(last, whole, visibility)


def _decoded(entry: HistoryEntry) -> ClusterState:
    try:
        return load_state(entry.before or "")
    except StateFormatError:
        raise NotFoundError(
            "The last change was saved by an older version of Rungs and cannot be undone; "
            "change the cluster back with /cluster set."
        ) from None


def _where(actor: Actor) -> str:
    return f"#{actor.channel_id}" if actor.channel_id else f"{actor.display_name}'s own"
