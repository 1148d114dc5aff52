"""Which requests change server, and keys change shard, when servers or shards come and go."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from engine.sim.config import Balancer, ClusterConfig, LbAlgorithm
from engine.sim.hashing import (
    haproxy_closest,
    haproxy_key_hash,
    ketama_server,
    ketama_start,
    server_names,
    shard_of,
)
from engine.sim.request import Method, Request
from engine.sim.state import ClusterState

Owner = Callable[[str], int | None]


def ring_owner(cfg: ClusterConfig, path: str) -> int | None:
    """The server the balancer's consistent hash gives a URI, with every server usable."""
    weights = tuple(cfg.weight_of(i) for i in range(cfg.servers))
    if cfg.balancer is Balancer.HAPROXY:
        return haproxy_closest(weights, haproxy_key_hash(path), frozenset(range(cfg.servers)))
    names = server_names(cfg.servers)
    return ketama_server(names, weights, ketama_start(names, weights, path))


def movement_notes(state: ClusterState, old: ClusterConfig, new: ClusterConfig) -> list[str]:
    """Say which known requests change server, or keys change shard, with the expected share."""
    paths = list(state.recent_paths)
    notes = []
    a, b = old.servers, new.servers
    if a != b and new.lb is LbAlgorithm.CONSISTENT_HASH and paths:
        ring = _moved(paths, lambda p: ring_owner(old, p), lambda p: ring_owner(new, p))
        modulo = _moved(paths, lambda p: shard_of(p, a), lambda p: shard_of(p, b))
        notes.append(
            f"With consistent hashing, going from {a} to {b} app servers moves "
            f"{_share(ring, paths, ring_share(a, b), 'URIs')}{_listed(ring)} "
            f"With hash mod N instead, {len(modulo)} of {len(paths)} would move "
            f"(about {_percent(modulo_share(a, b))} expected)."
        )
    elif a != b:
        notes.append(
            f"{new.lb} has no key affinity, so no key 'moves': the rotation simply has "
            f"{b} servers now."
        )
    c, d = old.shards, new.shards
    keys = list(dict.fromkeys([*(Request(Method.GET, p).key for p in paths), *state.cache]))
    if c != d and keys:
        moved = _moved(keys, lambda k: shard_of(k, c), lambda k: shard_of(k, d))
        notes.append(
            f"With hash mod N, going from {c} to {d} shards moves "
            f"{_share(moved, keys, modulo_share(c, d), 'keys')}{_listed(moved)}"
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


def _moved(items: list[str], before: Owner, after: Owner) -> list[str]:
    return [k for k in items if before(k) != after(k)]


def _share(moved: list[str], items: list[str], expected: Fraction, what: str) -> str:
    return (
        f"{len(moved)} of the {len(items)} {what} seen lately "
        f"({100 * len(moved) / len(items):.0f}%, about {_percent(expected)} expected)"
    )


def _percent(share: Fraction) -> str:
    return f"{float(share) * 100:.0f}%"


def _listed(moved: list[str]) -> str:
    if not moved:
        return "."
    return ": " + ", ".join(moved[:8]) + (" …" if len(moved) > 8 else ".")
