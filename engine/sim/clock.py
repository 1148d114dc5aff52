"""Simulated time: health checks, expiries and replication advance only when the clock does."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.sim.config import Balancer, LbAlgorithm
from engine.sim.hashing import shard_of
from engine.sim.lb import haproxy, haproxy_checks
from engine.sim.state import ClusterState, Gone, cache_drop


@dataclass(slots=True)
class TimeReport:
    """What happened while the clock moved, for `/cluster wait` to tell."""

    checks: haproxy_checks.CheckReport = field(default_factory=haproxy_checks.CheckReport)
    expired: int = 0
    replicated: int = 0


def advance(state: ClusterState, ms: float, report: TimeReport | None = None) -> TimeReport:
    """Move the clock forward by `ms`, running every health check that falls due on the way."""
    report = report if report is not None else TimeReport()
    end = state.now_ms + ms
    if state.config.balancer is Balancer.HAPROXY:
        haproxy_checks.run(state, end, report.checks)
    state.now_ms = end
    _finish_requests(state)
    report.replicated += _apply_replication(state)
    return report


def expire_cache(state: ClusterState) -> int:
    now = state.now_ms
    expired = [k for k, expires_at in state.cache.items() if expires_at <= now]
    for key in expired:
        cache_drop(state, key, Gone.EXPIRED)
    horizon = now - state.config.ttl * 1000  # local copies live one TTL from their fill
    for server in state.servers:
        for key in [k for k, filled in server.local.items() if filled <= horizon]:
            del server.local[key]
    return len(expired)


def _finish_requests(state: ClusterState) -> None:
    """Requests that are over leave their servers, in the order they ended: HAProxy's leastconn
    reorders a server each time its load changes."""
    now = state.now_ms
    ended: list[tuple[float, int]] = []
    for index, server in enumerate(state.servers):
        if server.busy_until and min(server.busy_until) <= now:
            ended.extend((t, index) for t in server.busy_until if t <= now)
            server.busy_until = [t for t in server.busy_until if t > now]
    if ended and _tracks_load(state):
        for _, index in sorted(ended):
            haproxy.touch_load(state, index)


def _tracks_load(state: ClusterState) -> bool:
    cfg = state.config
    return cfg.balancer is Balancer.HAPROXY and cfg.lb is LbAlgorithm.LEAST_CONNECTIONS


def _apply_replication(state: ClusterState) -> int:
    """Forget writes every replica has applied; returns how many were applied. A write that a
    primary had not shipped when it died stays pending: it is on that primary's disk only."""
    horizon = state.now_ms - state.config.lag
    done = [k for k, t in state.recent_writes.items() if t <= horizon and _shipped(state, k, t)]
    for key in done:
        del state.recent_writes[key]
    return len(done)


def _shipped(state: ClusterState, key: str, committed: float) -> bool:
    primary = state.primaries[shard_of(key, state.config.shards)]
    return primary.alive or committed <= primary.down_since - state.config.lag
