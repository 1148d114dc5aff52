"""Failures on demand: `/cluster kill`, `revive` and `slow`, and what each one means."""

from __future__ import annotations

from typing import Any

from engine.errors import RungsError
from engine.sim.config import DEFAULT_SLOW_MS
from engine.sim.nodes import NodeKind, node_name, parse_node
from engine.sim.state import ClusterState, cache_clear


def kill(state: ClusterState, name: str) -> str:
    ref = parse_node(state, name)
    label = node_name(state, ref)
    if ref.kind is NodeKind.APP:
        server = state.servers[ref.index]
        if not server.alive:
            return f"{label} is already down."
        server.alive, server.rises = False, 0
        lost = len(server.busy_until)
        server.busy_until.clear()
        sessions = len(server.sessions)
        server.sessions.clear()  # memory dies with the process
        cfg = state.config
        text = (
            f"{label} has crashed. The balancer does not know yet: until {cfg.fall} health "
            f"checks in a row fail (one every {cfg.interval} s), it keeps sending {label} "
            "traffic. Trace a few requests, then /cluster wait "
            f"{cfg.fall * cfg.interval} to watch it being pulled out."
        )
        if lost:
            text += f" {lost} request(s) in flight on {label} were cut off."
        if sessions:
            text += f" {sessions} session(s) held in its memory are gone."
        return text
    if ref.kind is NodeKind.LB:
        if not state.lb_alive:
            return "lb is already down."
        state.lb_alive = False
        return (
            "lb has failed. It is the only balancer, so every request now goes unanswered: "
            "the entry tier is a single point of failure (/learn lb-high-availability)."
        )
    if ref.kind is NodeKind.CACHE:
        if not state.cache_alive:
            return "cache is already down."
        state.cache_alive = False
        dropped = len(state.cache)
        cache_clear(state)  # an in-memory cache restarts empty
        return (
            f"cache has crashed and lost its {dropped} key(s). Every read now falls through "
            "to the database: at scale, that is how a cache restart knocks over the "
            "database (/learn caching)."
        )
    node = _data_node(state, ref.kind, ref.index, ref.replica)
    if not node.alive:
        return f"{label} is already down."
    node.alive = False
    if ref.kind is NodeKind.PRIMARY:
        return (
            f"{label}, a primary, has failed. Writes to it fail until it is back (or a "
            "replica is promoted); reads can still be served by its replicas."
        )
    return f"{label} has failed. Reads go to the other replicas, or to the primary if none is left."


def revive(state: ClusterState, name: str) -> str:
    ref = parse_node(state, name)
    label = node_name(state, ref)
    if ref.kind is NodeKind.APP:
        server = state.servers[ref.index]
        if server.alive and not server.slow_ms:
            return f"{label} is already up."
        was_slow = server.slow_ms
        server.slow_ms = 0.0
        if server.alive:
            return f"{label} is no longer slow (it was taking +{was_slow:.0f} ms a request)."
        server.alive, server.fails = True, 0
        if server.in_rotation:
            return (
                f"{label} is back. Health checks never pulled it out, so it takes traffic "
                "again at once (with an empty memory)."
            )
        rise = state.config.rise
        return (
            f"{label} is back, but out of rotation until {rise} health checks in a row pass "
            f"(about {rise * state.config.interval} s; /cluster wait "
            f"{rise * state.config.interval})."
        )
    if ref.kind is NodeKind.LB:
        if state.lb_alive:
            return "lb is already up."
        state.lb_alive = True
        return "lb is back and routing traffic."
    if ref.kind is NodeKind.CACHE:
        if state.cache_alive:
            return "cache is already up."
        state.cache_alive = True
        return "cache is back, empty: the next reads are all misses until it warms up again."
    node = _data_node(state, ref.kind, ref.index, ref.replica)
    if node.alive:
        return f"{label} is already up."
    node.alive = True
    return f"{label} is back."


def slow(state: ClusterState, name: str, ms: int | None) -> str:
    ref = parse_node(state, name)
    if ref.kind is not NodeKind.APP:
        raise RungsError("Only app servers can be marked slow (for example /cluster slow app-0).")
    extra = DEFAULT_SLOW_MS if ms is None else ms
    if not 1 <= extra <= 60_000:
        raise RungsError(f"A slow server takes 1 to 60000 ms extra per request, not {extra}.")
    state.servers[ref.index].slow_ms = float(extra)
    return (
        f"app-{ref.index} is now slow: each request it takes stays in flight {extra} ms "
        "longer. Round-robin keeps sending it its share; least-connections steers around "
        "it (/cluster set lb=least-connections). /cluster revive clears it."
    )


def _data_node(state: ClusterState, kind: NodeKind, shard: int, replica: int) -> Any:
    if kind is NodeKind.PRIMARY:
        return state.primaries[shard]
    return state.replicas[shard][replica]
