"""What `/cluster wait|set|add|reset` do to a cluster, and what they report."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.errors import RungsError
from engine.sim.clock import TimeReport, advance, expire_cache
from engine.sim.config import Balancer, ClusterConfig, check_limit
from engine.sim.lb import haproxy, haproxy_checks, restart_balancer
from engine.sim.lb.names import settings_line
from engine.sim.movement import movement_notes
from engine.sim.sessions import forget_server
from engine.sim.state import ClusterState, new_cluster, resize
from engine.text.counts import count


def wait(state: ClusterState, seconds: float) -> str:
    if not 0 < seconds <= 3600:
        raise RungsError("Wait from 0.1 to 3600 seconds of simulated time.")
    report = TimeReport()
    advance(state, seconds * 1000, report)
    report.expired = expire_cache(state)
    return _describe_wait(seconds, report, state)


def _describe_wait(seconds: float, report: TimeReport, state: ClusterState) -> str:
    cfg = state.config
    parts = [f"{seconds:g} s of simulated time passed (now t={state.now_ms / 1000:.2f} s)."]
    for index, at in report.checks.went_down:
        parts.append(
            f"At t={at / 1000:.2f} s app-{index} failed its health check once too often: "
            "HAProxy marks it DOWN and stops sending it traffic."
        )
    for index, at in report.checks.came_up:
        parts.append(
            f"At t={at / 1000:.2f} s app-{index} passed {cfg.rise} checks in a row: HAProxy "
            "marks it UP and it is back in rotation."
        )
    if report.checks.went_down:
        up = haproxy.up_servers(state)
        parts.append(
            "No server is UP: every request now gets 503 Service Unavailable."
            if not up
            else f"Traffic goes to {', '.join(f'app-{i}' for i in up)}."
        )
    if report.expired:
        parts.append(
            f"{count(report.expired, 'cache key')} reached "
            f"{'its' if report.expired == 1 else 'their'} TTL and expired."
        )
    if report.replicated and cfg.replicas:
        parts.append(
            f"Replicas applied {count(report.replicated, 'pending write')}; they are caught up."
        )
    if len(parts) == 1:
        parts.append("Nothing else changed.")
    return " ".join(parts)


_SWITCHES = {"on": True, "off": False}
_NUMBERS = (
    "servers",
    "replicas",
    "shards",
    "cache",
    "local_cache",
    "ttl",
    "lag",
    "interval",
    "fall",
    "rise",
    "retries",
    "max_fails",
    "fail_timeout",
    "connect_timeout",
)
_RESTARTS_BALANCER = ("balancer", "lb", "servers", "weights", "layer")


def apply_settings(state: ClusterState, changes: dict[str, Any]) -> str:
    """Validate every change first, then apply them together: bad input changes nothing."""
    cfg = state.config
    updates = _validated(changes)
    new = replace(cfg, **updates)
    if "servers" in updates and "weights" not in updates:
        new = new.with_servers(new.servers)
    if new.weights and len(new.weights) != new.servers:
        raise RungsError(
            f"weights needs one number per server ({new.servers}), like "
            f"weights={','.join(['1'] * new.servers)}."
        )
    notes = movement_notes(state, cfg, new)
    notes.extend(_removed_servers(state, new.servers))
    state.config = new
    added = resize(state)
    restart_parts(state, cfg, updates, added)
    changed = ", ".join(f"{k}={_show(getattr(new, k))}" for k in updates)
    seed = changes.get("seed")
    if seed is not None:
        state.seed = int(seed)
        changed = ", ".join(filter(None, (changed, f"seed={state.seed}")))
    if any(k in updates for k in (*_RESTARTS_BALANCER, "redispatch", "retries", "max_fails")):
        notes.append(settings_line(new))
    return f"Cluster updated: {changed}." + (" " + " ".join(notes) if notes else "")


def _validated(changes: dict[str, Any]) -> dict[str, Any]:
    updates: dict[str, Any] = {}
    for key, value in changes.items():
        if key == "seed":
            continue
        if key in _NUMBERS:
            check_limit(key, int(value))
            updates[key] = int(value)
        elif key == "weights":
            weights = tuple(int(v) for v in value)
            for w in weights:
                check_limit("weight", w)
            updates["weights"] = weights
        elif key in ("sticky", "ryw", "redispatch"):
            updates[key] = _SWITCHES[value]
        else:  # lb, layer, balancer: already converted to their enums by the parser
            updates[key] = value
    return updates


def _removed_servers(state: ClusterState, servers: int) -> list[str]:
    """Scaling in: a removed server takes the sessions in its memory with it."""
    if servers >= len(state.servers) or not state.config.sticky:
        return []
    notes = []
    for index in range(servers, len(state.servers)):
        users = forget_server(state, index)
        if users:
            shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
            notes.append(
                f"app-{index} is removed with {count(len(users), 'session')} in its memory "
                f"({shown}): "
                "those users are logged out and must sign in again. With stateless servers "
                "scaling in loses nothing."
            )
    return notes


def restart_parts(
    state: ClusterState, old: ClusterConfig, updates: dict[str, Any], added: list[int]
) -> None:
    new = state.config
    if any(k in updates for k in _RESTARTS_BALANCER):
        restart_balancer(state)
    if new.balancer is Balancer.HAPROXY and (
        "interval" in updates or old.balancer is not Balancer.HAPROXY
    ):
        haproxy_checks.schedule(state)
    elif added:
        haproxy_checks.schedule(state, added)
    if new.sticky != old.sticky:  # switching session handling starts every session afresh
        state.sticky.clear()
        for server in state.servers:
            server.sessions.clear()
    if "rise" in updates or "fall" in updates:
        top = new.rise + new.fall - 1
        for server in state.servers:  # keep UP servers UP, DOWN ones DOWN
            up = server.health >= old.rise
            server.health = top if up else min(server.health, new.rise - 1)


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
