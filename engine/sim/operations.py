"""What `/cluster kill|revive|slow|wait|set|add|reset` do to a cluster, and what they report."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.errors import RungsError
from engine.sim.clock import TimeReport, advance, expire_cache
from engine.sim.config import DEFAULT_SLOW_MS, ClusterConfig, LbAlgorithm, check_limit
from engine.sim.hashing import ring_owner, shard_of
from engine.sim.nodes import NodeKind, node_name, parse_node
from engine.sim.state import ClusterState, new_cluster, resize


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
        state.cache.clear()  # an in-memory cache restarts empty
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


def wait(state: ClusterState, seconds: float) -> str:
    if not 0 < seconds <= 3600:
        raise RungsError("Wait from 0.1 to 3600 seconds of simulated time.")
    report = TimeReport()
    advance(state, seconds * 1000, report)
    report.expired = expire_cache(state)
    return _describe_wait(seconds, report, state)


def _describe_wait(seconds: float, report: TimeReport, state: ClusterState) -> str:
    parts = [f"{seconds:g} s of simulated time passed (now t={state.now_ms / 1000:.2f} s)."]
    for index in report.pulled_out:
        parts.append(
            f"Health checks failed app-{index} {state.config.fall} times in a row: it "
            "is out of rotation, and traffic goes only to the others."
        )
    for index in report.put_back:
        parts.append(
            f"app-{index} passed {state.config.rise} checks in a row and is back in rotation."
        )
    if report.expired:
        parts.append(f"{report.expired} cache key(s) reached their TTL and expired.")
    if report.replicated:
        parts.append(f"Replicas applied {report.replicated} pending write(s); they are caught up.")
    if len(parts) == 1:
        parts.append("Nothing else changed.")
    return " ".join(parts)


_SWITCHES = {"on": True, "off": False}


def apply_settings(state: ClusterState, changes: dict[str, Any]) -> str:
    """Validate every change first, then apply them together: bad input changes nothing."""
    cfg = state.config
    updates: dict[str, Any] = {}
    seed = changes.get("seed")
    for key, value in changes.items():
        if key == "seed":
            continue
        if key in (
            "servers",
            "replicas",
            "shards",
            "cache",
            "ttl",
            "lag",
            "interval",
            "fall",
            "rise",
        ):
            check_limit(key, int(value))
            updates[key] = int(value)
        elif key == "weights":
            weights = tuple(int(v) for v in value)
            for w in weights:
                check_limit("weight", w)
            updates["weights"] = weights
        elif key in ("sticky", "ryw"):
            updates[key] = _SWITCHES[value]
        else:  # lb, layer: already converted to their enums by the parser
            updates[key] = value
    new = replace(cfg, **updates)
    if "servers" in updates and "weights" not in updates:
        new = new.with_servers(new.servers)
    if new.weights and len(new.weights) != new.servers:
        raise RungsError(
            f"weights needs one number per server ({new.servers}), like "
            f"weights={','.join(['1'] * new.servers)}."
        )
    notes = _movement_notes(state, cfg, new)
    state.config = new
    resize(state)
    changed = ", ".join(f"{k}={_show(getattr(new, k))}" for k in updates)
    if seed is not None:
        state.seed = int(seed)
        changed = ", ".join(filter(None, (changed, f"seed={state.seed}")))
    return f"Cluster updated: {changed}." + (" " + " ".join(notes) if notes else "")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def add(state: ClusterState, kind: str) -> str:
    cfg = state.config
    if kind == "server":
        return apply_settings(state, {"servers": cfg.servers + 1})
    if kind == "replica":
        return apply_settings(state, {"replicas": cfg.replicas + 1})
    if kind == "shard":
        return apply_settings(state, {"shards": cfg.shards + 1})
    raise RungsError("You can add a server, a replica or a shard.")


def reset(state: ClusterState, seed: int | None = None) -> str:
    """Back to the defaults with a cold cache. The clock and the trace counter keep moving
    forward, so the numbers of stored traces stay unique."""
    fresh = new_cluster(ClusterConfig(), state.seed if seed is None else seed)
    fresh.now_ms, fresh.trace_no = state.now_ms, state.trace_no
    for name in ClusterState.__slots__:  # the caller owns `state`: change it in place
        setattr(state, name, getattr(fresh, name))
    return f"The cluster is back to its defaults (seed {state.seed}), with a cold cache."


def _movement_notes(state: ClusterState, old: ClusterConfig, new: ClusterConfig) -> list[str]:
    """Say which known keys change owner when servers or shards are added or removed."""
    keys = list(dict.fromkeys([*state.recent_keys, *state.cache]))
    notes = []
    if new.servers != old.servers and new.lb is LbAlgorithm.CONSISTENT_HASH and keys:
        notes.append(
            _moved_text(
                "app server",
                keys,
                lambda k: ring_owner(old.servers, k),
                lambda k: ring_owner(new.servers, k),
                old.servers,
                new.servers,
                "consistent hashing",
            )
        )
        notes.append(
            _moved_text(
                "app server",
                keys,
                lambda k: shard_of(k, old.servers),
                lambda k: shard_of(k, new.servers),
                old.servers,
                new.servers,
                "hash mod N",
                brief=True,
            )
        )
    elif new.servers != old.servers and new.lb is not LbAlgorithm.CONSISTENT_HASH:
        notes.append(
            f"{new.lb} has no key affinity, so no key 'moves': the rotation simply has "
            f"{new.servers} servers now."
        )
    if new.shards != old.shards and keys:
        notes.append(
            _moved_text(
                "shard",
                keys,
                lambda k: shard_of(k, old.shards),
                lambda k: shard_of(k, new.shards),
                old.shards,
                new.shards,
                "hash mod N",
            )
        )
    return notes


def _moved_text(
    what: str,
    keys: list[str],
    before: Any,
    after: Any,
    n_old: int,
    n_new: int,
    how: str,
    brief: bool = False,
) -> str:
    moved = [k for k in keys if before(k) != after(k)]
    share = 100 * len(moved) / len(keys)
    if how == "consistent hashing":
        expected = f"about 1/{max(n_old, n_new)} expected"
    else:
        expected = f"about {min(n_old, n_new)}/{max(n_old, n_new)} expected"
    if brief:
        return f"With {how} instead, {len(moved)} of {len(keys)} would move ({share:.0f}%)."
    listed = ", ".join(moved[:8]) + (" …" if len(moved) > 8 else "")
    return (
        f"With {how}, going from {n_old} to {n_new} {what}s moves {len(moved)} of the "
        f"{len(keys)} keys seen lately ({share:.0f}%, {expected})"
        + (f": {listed}." if moved else ".")
    )


def _data_node(state: ClusterState, kind: NodeKind, shard: int, replica: int) -> Any:
    if kind is NodeKind.PRIMARY:
        return state.primaries[shard]
    return state.replicas[shard][replica]
