"""Simulated time: health checks, expiries and replication advance only when the clock does."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from engine.sim.state import ClusterState, cache_drop


@dataclass(slots=True)
class TimeReport:
    """What happened while the clock moved, for `/cluster wait` to tell."""

    pulled_out: list[int] = field(default_factory=list)
    put_back: list[int] = field(default_factory=list)
    expired: int = 0
    replicated: int = 0


def advance(state: ClusterState, ms: float, report: TimeReport | None = None) -> TimeReport:
    """Move the clock forward by `ms`, running every health check that falls due on the way."""
    report = report if report is not None else TimeReport()
    start, end = state.now_ms, state.now_ms + ms
    interval_ms = state.config.interval * 1000
    checks = math.floor(end / interval_ms) - math.floor(start / interval_ms)
    # After fall + rise checks every server has settled, so more iterations change nothing.
    for _ in range(min(checks, state.config.fall + state.config.rise + 1)):
        _run_health_checks(state, report)
    state.now_ms = end
    _finish_requests(state)
    report.replicated += _apply_replication(state)
    return report


def expire_cache(state: ClusterState) -> int:
    expired = [k for k, expires_at in state.cache.items() if expires_at <= state.now_ms]
    for key in expired:
        cache_drop(state, key)
    return len(expired)


def _run_health_checks(state: ClusterState, report: TimeReport) -> None:
    cfg = state.config
    for index, server in enumerate(state.servers):
        if server.alive:
            server.fails, server.rises = 0, server.rises + 1
            if not server.in_rotation and server.rises >= cfg.rise:
                server.in_rotation = True
                report.put_back.append(index)
        else:
            server.fails, server.rises = server.fails + 1, 0
            if server.in_rotation and server.fails >= cfg.fall:
                server.in_rotation = False
                report.pulled_out.append(index)


def _finish_requests(state: ClusterState) -> None:
    now = state.now_ms
    for server in state.servers:
        if server.busy_until:
            server.busy_until = [t for t in server.busy_until if t > now]


def _apply_replication(state: ClusterState) -> int:
    """Forget writes every replica has applied; returns how many were applied."""
    horizon = state.now_ms - state.config.lag
    done = [k for k, t in state.recent_writes.items() if t <= horizon]
    for key in done:
        del state.recent_writes[key]
    return len(done)


def ms_until_next_check(state: ClusterState) -> float:
    interval_ms = state.config.interval * 1000
    return interval_ms - (state.now_ms % interval_ms)
