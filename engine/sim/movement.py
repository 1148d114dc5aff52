"""Which keys change owner when servers or shards are added or removed, and how many should."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from engine.sim.config import ClusterConfig, LbAlgorithm
from engine.sim.hashing import ring_owner, shard_of
from engine.sim.state import ClusterState

Owner = Callable[[str], int]


def movement_notes(state: ClusterState, old: ClusterConfig, new: ClusterConfig) -> list[str]:
    """Say which known keys change owner when servers or shards are added or removed."""
    keys = list(dict.fromkeys([*state.recent_keys, *state.cache]))
    a, b = old.servers, new.servers
    notes = []
    if a != b and new.lb is LbAlgorithm.CONSISTENT_HASH and keys:
        ring = _moved(keys, lambda k: ring_owner(a, k), lambda k: ring_owner(b, k))
        modulo = _moved(keys, lambda k: shard_of(k, a), lambda k: shard_of(k, b))
        notes.append(
            f"With consistent hashing, going from {a} to {b} app servers moves "
            f"{_share(ring, keys, ring_share(a, b))}{_listed(ring)} "
            f"With hash mod N instead, {len(modulo)} of {len(keys)} would move "
            f"(about {_percent(modulo_share(a, b))} expected)."
        )
    elif a != b:
        notes.append(
            f"{new.lb} has no key affinity, so no key 'moves': the rotation simply has "
            f"{b} servers now."
        )
    c, d = old.shards, new.shards
    if c != d and keys:
        moved = _moved(keys, lambda k: shard_of(k, c), lambda k: shard_of(k, d))
        notes.append(
            f"With hash mod N, going from {c} to {d} shards moves "
            f"{_share(moved, keys, modulo_share(c, d))}{_listed(moved)}"
        )
    return notes


def ring_share(old: int, new: int) -> Fraction:
    """Consistent hashing moves only the keys of the nodes that come or go: |Δ| / max(N)."""
    return Fraction(abs(new - old), max(old, new))


def modulo_share(old: int, new: int) -> Fraction:
    """hash mod N keeps a key only where h mod old == h mod new; over one period of lcm."""
    period = math.lcm(old, new)
    moved = sum(1 for h in range(period) if h % old != h % new)
    return Fraction(moved, period)


def _moved(keys: list[str], before: Owner, after: Owner) -> list[str]:
    return [k for k in keys if before(k) != after(k)]


def _share(moved: list[str], keys: list[str], expected: Fraction) -> str:
    return (
        f"{len(moved)} of the {len(keys)} keys seen lately "
        f"({100 * len(moved) / len(keys):.0f}%, about {_percent(expected)} expected)"
    )


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.0f}%"


def _listed(moved: list[str]) -> str:
    if not moved:
        return "."
    return ": " + ", ".join(moved[:8]) + (" …" if len(moved) > 8 else ".")
