"""/forget-me in shared state: every channel cluster and stored trace of the workspace that
mentions the user, found by a full scan for their reference (engine/tutor/names.py).

The user's own rows go in one store call (`DrillStore.forget_user`); shared documents outlive
any one user, so each is changed where it names them: a cluster loses their sessions, cookie
and last write (saved under its scope's lock, like any cluster change, so a trace running in
that channel is neither lost nor overwritten), the traces that mention them are deleted, and
the history of cluster changes forgets them (engine/tutor/handlers/cluster_history.py).
"""

from __future__ import annotations

from engine.ports import Board, ClusterStore, Scope
from engine.sim.sessions import forget_user
from engine.sim.state import ClusterState
from engine.tutor import names
from engine.tutor.locks import KeyedLocks
from engine.tutor.repositories.clusters import ClusterRepository


class SharedForgetting:
    def __init__(self, store: ClusterStore, clusters: ClusterRepository, locks: KeyedLocks) -> None:
        self._store = store
        self._clusters = clusters
        self._locks = locks

    async def forget(self, board: Board, user_id: str, own: Scope) -> int:
        """Take the user out of every shared cluster and trace of the board's workspace; how
        many clusters and traces changed. `own` is the user's own scope: its cluster is
        deleted whole (the caller holds its lock), never changed here."""
        ref = names.ref(user_id)

        def change(state: ClusterState) -> tuple[bool, None]:
            return forget_user(state, ref), None

        changed = 0
        for scope in await self._store.scopes_mentioning(board, ref):
            if scope == own:
                continue
            await self._locks.acquire(scope)
            try:
                changed += await self._clusters.update(scope, change)
            finally:
                self._locks.release(scope)
        # The history of cluster changes: their rows lose the user's id ("a former member"),
        # and the documents kept for an undo that name them are dropped (those changes can no
        # longer be undone).
        changed += await self._store.forget_in_history(board, user_id, ref)
        return changed + await self._store.delete_traces_mentioning(board, ref)
