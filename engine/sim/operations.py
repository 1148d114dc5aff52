"""What `/cluster wait|set|add|reset` do to a cluster, and what they report."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.errors import RungsError
from engine.sim.clock import TimeReport, advance, expire_cache
from engine.sim.config import ClusterConfig, check_limit
from engine.sim.movement import movement_notes
from engine.sim.state import ClusterState, new_cluster, resize


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
    if report.replicated and state.config.replicas:
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
    notes = movement_notes(state, cfg, new)
    state.config = new
    resize(state)
    if new.sticky != cfg.sticky:  # switching session handling starts every session afresh
        state.sticky.clear()
        for server in state.servers:
            server.sessions.clear()
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
    """Back to the defaults, with a cold cache and the clock at zero, so the same seed gives
    the same traces again. Only the trace counter carries on: stored traces keep unique ids."""
    fresh = new_cluster(ClusterConfig(), state.seed if seed is None else seed)
    fresh.trace_no = state.trace_no
    for name in ClusterState.__slots__:  # the caller owns `state`: change it in place
        setattr(state, name, getattr(fresh, name))
    return f"The cluster is back to its defaults (seed {state.seed}), with a cold cache."
