"""How the load balancer picks an app server, and the sentence that says why."""

from __future__ import annotations

from dataclasses import dataclass

from engine.sim.config import Layer, LbAlgorithm
from engine.sim.hashing import ring_owner
from engine.sim.state import ClusterState


@dataclass(frozen=True, slots=True)
class Choice:
    server: int
    why: str  # e.g. "round-robin" or "least-connections: app-1 has 0 requests in flight"


def in_flight(state: ClusterState, server: int) -> int:
    return len(state.servers[server].busy_until)


def rotation(state: ClusterState) -> list[int]:
    """Servers the balancer believes healthy: health checks, not the truth, decide."""
    return [i for i, s in enumerate(state.servers) if s.in_rotation]


def choose(state: ClusterState, hash_input: str, exclude: frozenset[int] = frozenset()) -> Choice:
    candidates = [i for i in rotation(state) if i not in exclude]
    if not candidates:
        raise LookupError("no server in rotation")
    algorithm = state.config.lb
    if algorithm is LbAlgorithm.LEAST_CONNECTIONS:
        return _least_connections(state, candidates)
    if algorithm is LbAlgorithm.WEIGHTED:
        return _weighted(state, candidates)
    if algorithm is LbAlgorithm.CONSISTENT_HASH:
        return _consistent(state, candidates, hash_input)
    return _round_robin(state, candidates)


def _next_in_order(state: ClusterState, candidates: list[int]) -> int:
    """The first candidate at or after the rotation pointer, wrapping around."""
    n = len(state.servers)
    return min(candidates, key=lambda i: (i - state.rr_next) % n)


def _round_robin(state: ClusterState, candidates: list[int]) -> Choice:
    server = _next_in_order(state, candidates)
    state.rr_next = (server + 1) % len(state.servers)
    skipped = [i for i in range(len(state.servers)) if not state.servers[i].in_rotation]
    why = "round-robin"
    if skipped:
        names = ", ".join(f"app-{i}" for i in skipped)
        why += f", skipping {names}, which health checks took out of rotation"
    return Choice(server, why)


def _least_connections(state: ClusterState, candidates: list[int]) -> Choice:
    counts = {i: in_flight(state, i) for i in candidates}
    fewest = min(counts.values())
    tied = [i for i in candidates if counts[i] == fewest]
    # Ties are broken in rotation order, as HAProxy does within equally loaded servers.
    server = _next_in_order(state, tied)
    state.rr_next = (server + 1) % len(state.servers)
    others = ", ".join(f"app-{i} {counts[i]}" for i in candidates if i != server)
    why = f"least-connections: it has {fewest} in flight"
    if others:
        why += f" (others: {others})"
    return Choice(server, why)


def _weighted(state: ClusterState, candidates: list[int]) -> Choice:
    # nginx's smooth weighted round-robin: spread the heavy server's turns evenly.
    cfg = state.config
    total = sum(cfg.weight_of(i) for i in candidates)
    for i in candidates:
        state.servers[i].current_weight += cfg.weight_of(i)
    server = max(candidates, key=lambda i: (state.servers[i].current_weight, -i))
    state.servers[server].current_weight -= total
    weight = cfg.weight_of(server)
    return Choice(server, f"weighted round-robin: weight {weight} of {total}")


def _consistent(state: ClusterState, candidates: list[int], hash_input: str) -> Choice:
    owner = ring_owner(len(state.servers), hash_input)
    server = ring_owner(len(state.servers), hash_input, frozenset(candidates))
    what = "the URL key" if state.config.layer is Layer.L7 else "the client address"
    why = f"consistent hashing on {what} {hash_input}"
    if server != owner:
        why += f"; its owner app-{owner} is out, so the next server on the ring takes it"
    return Choice(server, why)
