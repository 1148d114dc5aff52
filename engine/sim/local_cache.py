"""Each app server's own in-process cache (`local_cache=N`), in front of the shared one.

A local hit costs no network at all, but every server keeps its own copy: with round-robin a key
is cached once per server and each copy warms separately, while consistent hashing sends a key
to the same server every time, so one copy stays warm. Nothing tells the other servers about a
write: the writing server drops its own copy, the others serve theirs until it expires.
"""

from __future__ import annotations

from engine.sim.config import Layer, LbAlgorithm
from engine.sim.latency import Latencies
from engine.sim.nodes import app_name
from engine.sim.state import ClusterState
from engine.sim.steps import Trace


def lookup(state: ClusterState, trace: Trace, server: int, lat: Latencies) -> bool:
    """Look in the server's own memory first; True on a usable local hit."""
    name, key, cfg = app_name(server), trace.request.key, state.config
    local = state.servers[server].local
    filled = local.get(key)
    if filled is not None and state.now_ms - filled >= cfg.ttl * 1000:
        del local[key]
        filled = None
    if filled is None:
        trace.add(
            name, f"{name} looks in its own memory first: {key} is not there. {_affinity(state)}"
        )
        return False
    del local[key]
    local[key] = filled  # most recently used now
    state.stats.local_hits += 1
    text = (
        f"{name} finds {key} in its own memory (its local cache of {cfg.local_cache} keys): no "
        "network, no cache server, no database."
    )
    if state.written.get(key, -1.0) > filled:
        text += (
            f" But this copy is older than the last write to {key}, made through another "
            "server: nothing told this one, so it serves the old value until its copy expires "
            f"({cfg.ttl} s after it was filled)."
        )
    trace.add(name, text)
    return True


def fill(state: ClusterState, server: int, key: str) -> None:
    local = state.servers[server].local
    local.pop(key, None)
    local[key] = state.now_ms
    while len(local) > state.config.local_cache:
        del local[next(iter(local))]


def drop_own(state: ClusterState, trace: Trace, server: int) -> None:
    """A write: the writer drops its own copy; it cannot reach the others' memory."""
    name, key = app_name(server), trace.request.key
    state.servers[server].local.pop(key, None)
    holders = [app_name(i) for i, s in enumerate(state.servers) if key in s.local]
    others = (
        f"; {', '.join(holders)} still hold a copy and serve the old value until it expires"
        if holders
        else "; no other server holds a copy"
    )
    trace.add(name, f"{name} drops {key} from its own memory{others}.")


def _affinity(state: ClusterState) -> str:
    cfg = state.config
    if cfg.lb is LbAlgorithm.CONSISTENT_HASH and cfg.layer is Layer.L7:
        return "Consistent hashing sends this key here every time, so once filled it stays warm."
    if cfg.lb is LbAlgorithm.CONSISTENT_HASH:
        return "At L4 the hash is on the client, not the key: each client warms its own server."
    return "With this algorithm the key lands on any server, so each server warms its own copy."
