"""Recently used clusters, decoded, with the version they were saved as.

A trace then costs one write instead of a read and a write, and no decoding. The cache never
decides what is current: a save names the version it started from, so if another process saved
in between, the save fails, the Tutor reloads from the store and runs the command again. A
cluster saved after its reply (`Tutor.reply_then_save`) comes back only once it is saved: a
failed save leaves the scope out of the cache, so its next command reloads from the store.
"""

from __future__ import annotations

from collections import OrderedDict

from engine.ports import Scope
from engine.sim.state import ClusterState

DEFAULT_CAPACITY = 256  # a few MB at most: a cluster's state is bounded


class ClusterCache:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._items: OrderedDict[Scope, tuple[int, ClusterState]] = OrderedDict()

    def take(self, scope: Scope) -> tuple[int, ClusterState] | None:
        """Remove and return a scope's cluster. The caller changes it in place and `put`s it
        back only once the change is saved, so a failed change can never leave a half-changed
        cluster behind."""
        return self._items.pop(scope, None)

    def drop(self, scope: Scope) -> None:
        self._items.pop(scope, None)

    def put(self, scope: Scope, version: int, state: ClusterState) -> None:
        self._items[scope] = (version, state)
        self._items.move_to_end(scope)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
